"""The clinic server beside the file: patient search and autosave on PostgreSQL, as ratios to
the same operation on SQLite, on the same 100k-patient data (issue 16).

A throw-away PostgreSQL cluster is started for the run (tests/pg_server.py: initdb + pg_ctl on
127.0.0.1; fsync off, so the server's figures leave out its disk flush and the SQLite file's
include it). The 100k-patient file of the search metric is copied into it with migrate-to-server
(storage/postgres/transfer.py), so both engines hold the same rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics

import psycopg

from bench.fixtures import patients_database
from bench.harness import Context, Goal, Result, interleaved_samples, p95
from bench.workspace import knowledge_base, open_repository
from desktop_app.storage.postgres.transfer import copy
from desktop_app.storage.repository import Repository
from tests import pg_server

GOAL = Goal()  # no goal set by the issue: the ratio is reported, not judged
PATIENTS = 100_000
KEYSTROKES = ("k", "kow", "kowal", "luk", "lukas")
FLOOR_IS = "the same Repository call on the SQLite file holding the same rows"


def _server(cluster: pg_server.Cluster, name: str) -> str:
    with psycopg.connect(cluster.url(), autocommit=True) as su:
        su.execute(f"CREATE DATABASE {name}")
    return cluster.url(name)


def measure(ctx: Context) -> list[Result]:
    kb = knowledge_base()
    cluster = pg_server.start()
    try:
        path = patients_database(ctx, PATIENTS, 0)
        file_repo = open_repository(path, kb)
        server_repo = Repository.open_server(_server(cluster, "bench_search"), kb)
        try:
            ctx.log(f"[bench] copying {PATIENTS:,} patients into PostgreSQL ...")
            copy(file_repo, server_repo, verified=False)  # fixture rows have no audit entries
            trip = _round_trip(ctx, server_repo)
            results = [_search(ctx, file_repo, server_repo, text, trip) for text in KEYSTROKES]
        finally:
            server_repo.close()
            file_repo.close()
        results.append(_autosave(ctx, kb, cluster))
    finally:
        cluster.stop()
    return results


def _round_trip(ctx: Context, repo: Repository) -> float:
    """Median ms of `SELECT 1` to the server: what each statement costs before any work."""
    assert repo.server is not None
    raw = repo.server.raw
    floor, _ = interleaved_samples(
        lambda: raw.execute("SELECT 1").fetchall(), lambda: None, ctx.repeats(200), warmup=5
    )
    return statistics.median(floor)


def _search(
    ctx: Context, file_repo: Repository, server_repo: Repository, text: str, trip: float
) -> Result:
    found = [p.id for p in server_repo.search_patients(text)]
    if found != [p.id for p in file_repo.search_patients(text)]:
        raise RuntimeError(f"search for {text!r} differs between the engines")
    repeats = ctx.repeats(200)
    floor, app = interleaved_samples(
        lambda: file_repo.search_patients(text),
        lambda: server_repo.search_patients(text),
        repeats,
        warmup=5,
    )
    return Result(
        f"Search {text!r} on PostgreSQL, {PATIENTS // 1000}k patients",
        "ms",
        repeats,
        GOAL,
        statistics.median(app),
        statistics.median(floor),
        FLOOR_IS,
        f"{len(found)} shown, the same patients in the same order as on SQLite; one statement "
        f"per search, one round trip to the server (SELECT 1) {trip:.2f} ms here.",
        p95=p95(app),
    )


def _autosave(ctx: Context, kb, cluster: pg_server.Cluster) -> Result:  # type: ignore[no-untyped-def]
    repos = [
        open_repository(ctx.work_dir / "pg-autosave.sqlite3", kb),
        Repository.open_server(_server(cluster, "bench_autosave"), kb),
    ]
    try:
        actions = []
        for repo in repos:
            patient = repo.create_patient("Bench Autosave", dt.date(1980, 1, 1), "other")
            presentation = next(iter(kb.presentations))
            visit = repo.create_visit(patient.id, "initial", [presentation])
            prompt = next(p for p in kb.prompts_for([presentation]) if p.answer_type == "yes_no")
            values = itertools.cycle(("yes", "no"))

            def save(repo=repo, visit=visit.id, prompt=prompt.id, values=values) -> None:  # type: ignore[no-untyped-def]
                repo.save_answer(visit, prompt, next(values))

            actions.append(save)
        repeats = ctx.repeats(200)
        floor, app = interleaved_samples(actions[0], actions[1], repeats, warmup=5)
    finally:
        for repo in repos:
            repo.close()
    return Result(
        "Autosave one answer on PostgreSQL",
        "ms",
        repeats,
        GOAL,
        statistics.median(app),
        statistics.median(floor),
        "Repository.save_answer on an SQLite file (WAL, synchronous=FULL)",
        "One transaction: the answer, the visit's version, the audit entry, under the write lock.",
        p95=p95(app),
    )
