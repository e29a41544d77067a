"""SIGKILL during every kind of write: nothing committed is lost, the file is never left empty,
locked read-only or unverifiable.

For each kind of write a forked child repeats that write and reports each one through a pipe
once it returned (committed). The parent reads a random number of reports, then kills the child,
which is by then inside a later write: the child's reports pace the kills, never the clock, so a
loaded machine moves the kill points but cannot make the test flaky. After every kill the next
open must be writable (the anchor outside the database is at most one commit behind) and every
reported write must be there; after each kind, integrity and `verify` must pass. Together with
the restore suite (test_fault_restore.py) and the answer writer (test_crash_safety.py) this is
the fault suite's kill count (KILLS_PER_KIND x kinds here).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import signal
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Mark
from desktop_app.core.records import Settings
from desktop_app.storage.backup import backups, default_backup_dir, startup_backup
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit, signer

KILLS_PER_KIND = 16
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork are POSIX"),
]
Context = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    name: str
    write: Callable[[Repository, Context, int], str]  # the n-th write; the fact to check later
    check: Callable[[Repository, Context, list[str]], None]  # every reported fact holds


def _answer(repo: Repository, ctx: Context, n: int) -> str:
    repo.save_answer(ctx["draft"], "age", n % 120)
    return str(n % 120)


def _last_answer(repo: Repository, ctx: Context, facts: list[str]) -> None:
    stored = repo.get_visit(ctx["draft"]).observations.answers["age"]
    assert str(stored) in {facts[-1], str((int(facts[-1]) + 1) % 120)}


def _exam(repo: Repository, ctx: Context, n: int) -> str:
    side = ("left", "right")[n % 2]
    repo.save_exam(ctx["draft"], "strength", side, float(n % 6))
    return f"{side} {float(n % 6)}"


def _exams(repo: Repository, ctx: Context, facts: list[str]) -> None:
    exam = repo.get_visit(ctx["draft"]).observations.exam["strength"]
    for side in ("left", "right"):
        mine = [f.split()[1] for f in facts if f.startswith(side)]
        if mine:  # the last reported value, or the one after it (killed after its commit)
            assert str(exam[side]) in {mine[-1], *(str(float(v)) for v in range(6))}, exam


def _mark(repo: Repository, ctx: Context, n: int) -> str:
    repo.set_mark(ctx["draft"], Mark("buttock", "pain", "left"), n % 2 == 0)
    return str(n % 2 == 0)


def _plan(repo: Repository, ctx: Context, n: int) -> str:
    repo.save_plan(ctx["draft"], f"Plan {n}")
    return f"Plan {n}"


def _plans(repo: Repository, ctx: Context, facts: list[str]) -> None:
    stored = repo.get_visit(ctx["draft"]).plan
    n = int(facts[-1].split()[1])
    assert stored in {facts[-1], f"Plan {n + 1}"}


def _measure(repo: Repository, ctx: Context, n: int) -> str:
    repo.save_measure(ctx["draft"], "pain_scale", {"now": n % 11})
    return str(n % 11)


def _ack(repo: Repository, ctx: Context, n: int) -> str:
    repo.acknowledge_red_flag(ctx["draft"], "hot", False, f"Reason {n}", by=ctx["clinician"])
    return f"Reason {n}"


def _patient(repo: Repository, ctx: Context, n: int) -> str:
    return str(repo.create_patient(f"Kill {n}", dt.date(1980, 1, 1), "other").id)


def _patients(repo: Repository, ctx: Context, facts: list[str]) -> None:
    for fact in facts:
        assert repo.get_patient(int(fact)).name.startswith("Kill ")


def _rename(repo: Repository, ctx: Context, n: int) -> str:
    from dataclasses import replace

    patient = repo.get_patient(ctx["patient"])
    repo.update_patient(replace(patient, name=f"Renamed {n}"))
    return f"Renamed {n}"


def _renamed(repo: Repository, ctx: Context, facts: list[str]) -> None:
    n = int(facts[-1].split()[1])
    assert repo.get_patient(ctx["patient"]).name in {facts[-1], f"Renamed {n + 1}"}


def _settings(repo: Repository, ctx: Context, n: int) -> str:
    repo.save_settings(Settings(clinic_name=f"Clinic {n}"))
    return f"Clinic {n}"


def _sign(repo: Repository, ctx: Context, n: int) -> str:
    return str(filled_visit(repo, ctx["patient"]).id)


def _signed(repo: Repository, ctx: Context, facts: list[str]) -> None:
    for fact in facts:
        assert repo.get_visit(int(fact)).status == "signed"


def _amend(repo: Repository, ctx: Context, n: int) -> str:
    amendment = repo.amend_visit(ctx["signed"], f"Amendment {n}", "Killed", by=ctx["clinician"])
    return str(amendment.id)


def _amended(repo: Repository, ctx: Context, facts: list[str]) -> None:
    ids = {a.id for a in repo.amendments(ctx["signed"])}
    assert {int(f) for f in facts} <= ids


def _backup(repo: Repository, ctx: Context, n: int) -> str:
    folder = default_backup_dir(repo.path)
    # A killed writer may have made its next copy before reporting it: names never repeat.
    return str(repo.backup_to(folder / f"manual-{os.getpid()}-{n:04d}.sqlite3"))


def _backups(repo: Repository, ctx: Context, facts: list[str]) -> None:
    for fact in facts:
        conn = sqlite3.connect(f"file:{fact}?mode=ro", uri=True)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()


def _rotate(repo: Repository, ctx: Context, n: int) -> str:
    made = startup_backup(repo.path, keep=3)
    return str(made)


def _rotated(repo: Repository, ctx: Context, facts: list[str]) -> None:
    kept = backups(repo.path, default_backup_dir(repo.path))
    assert Path(facts[-1]) in kept or len(kept) >= 3
    _backups(repo, ctx, [str(k) for k in kept])


def _demo(repo: Repository, ctx: Context, n: int) -> str:
    from desktop_app.storage.demo_data import generate

    generate(repo, 3, 2, seed=n)
    return str(repo.patient_count())


def _demoed(repo: Repository, ctx: Context, facts: list[str]) -> None:
    assert repo.patient_count() >= max(int(f) for f in facts)


def _nothing(repo: Repository, ctx: Context, facts: list[str]) -> None:
    """The write leaves only the audit trail and the final checks to compare."""


KINDS = [
    Kind("answer", _answer, _last_answer),
    Kind("exam", _exam, _exams),
    Kind("mark", _mark, _nothing),
    Kind("measure", _measure, _nothing),
    Kind("plan", _plan, _plans),
    Kind("red-flag decision", _ack, _nothing),
    Kind("new patient", _patient, _patients),
    Kind("patient edit", _rename, _renamed),
    Kind("settings", _settings, _nothing),
    Kind("sign", _sign, _signed),
    Kind("amend", _amend, _amended),
    Kind("backup", _backup, _backups),
    Kind("start-up backup", _rotate, _rotated),
    Kind("demo data", _demo, _demoed),
]


def _writer(
    db_path: Path, kb: KnowledgeBase, kind: Kind, ctx: Context, first: int, out: int
) -> None:
    """Child: repeat one kind of write forever, reporting each once it returned."""
    repo = Repository.open(db_path, kb, actor="Dr Test")
    n = first
    while True:
        fact = kind.write(repo, ctx, n)
        os.write(out, f"{fact}\n".encode())
        n += 1


def _world(db_path: Path, kb: KnowledgeBase) -> Context:
    with Repository.open(db_path, kb, actor="Dr Test") as repo:
        patient = repo.create_patient("Fault Suite", dt.date(1975, 6, 1), "female")
        signed = filled_visit(repo, patient.id)
        draft = repo.create_visit(patient.id, "follow_up", ["pain"])
        clinician = signer(repo)
        return {
            "patient": patient.id,
            "signed": signed.id,
            "draft": draft.id,
            "clinician": clinician,
        }


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_a_write_killed_at_any_moment_loses_nothing(
    db_path: Path, kb: KnowledgeBase, kind: Kind
) -> None:
    ctx = _world(db_path, kb)
    rng = random.Random(f"20261202 {kind.name}")
    fork = multiprocessing.get_context("fork")
    facts: list[str] = []
    kills = 0
    for _ in range(KILLS_PER_KIND):
        read, write = os.pipe()
        child = fork.Process(target=_writer, args=(db_path, kb, kind, ctx, len(facts), write))
        child.start()
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            for _ in range(rng.randint(1, 4)):
                line = pipe.readline().decode().strip()
                assert line, f"{kind.name}: the writer died before it was killed"
                facts.append(line)
            os.kill(child.pid or 0, signal.SIGKILL)
            child.join()
            facts += pipe.read().decode().splitlines()
        kills += 1
        assert db_path.stat().st_size > 0  # never an empty impostor at the path
        with Repository.open(db_path, kb) as repo:  # the next start: writable, nothing lost
            assert not repo.read_only, repo.read_only_reason
            kind.check(repo, ctx, facts)
    assert kills == KILLS_PER_KIND
    assert not list(default_backup_dir(db_path).glob("*.partial"))  # removed at each open
    with Repository.open(db_path, kb) as repo:
        assert repo.verify() == [], kind.name  # integrity, chain, anchor, every signature


def _first_open(db_path: Path, kb: KnowledgeBase, out: int) -> None:
    os.write(out, b"opening\n")
    with Repository.open(db_path, kb, actor="Dr Test") as repo:
        repo.create_patient("First", dt.date(1980, 1, 1), "male")
    os.write(out, b"done\n")
    signal.pause()


def test_a_first_start_killed_part_way_starts_cleanly_next_time(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    """The kill lands anywhere in creating, migrating and first writing a new database (the
    parent waits a varying number of loop steps, not a time: every landing point is valid)."""
    rng = random.Random(20261202)
    fork = multiprocessing.get_context("fork")
    outcomes: set[str] = set()
    for n in range(KILLS_PER_KIND):
        db_path = tmp_path / f"start-{n}" / "visits.sqlite3"
        read, write = os.pipe()
        child = fork.Process(target=_first_open, args=(db_path, kb, write))
        child.start()
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            assert pipe.readline().strip() == b"opening"
            for _ in range(rng.randint(0, 400_000)):
                pass
            os.kill(child.pid or 0, signal.SIGKILL)
            child.join()
            finished = b"done" in pipe.read()
        outcomes.add("finished" if finished else "killed")
        with Repository.open(db_path, kb) as repo:  # never refused, never read-only
            assert not repo.read_only, repo.read_only_reason
            if finished:
                assert repo.patient_count() == 1
            repo.create_patient("Next Start", dt.date(1980, 1, 1), "female")
            assert repo.verify() == []
    assert "killed" in outcomes
