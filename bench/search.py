"""Patient search per keystroke of a realistic name, at 10k, 100k and 1M patients, in name order.

Each keystroke of "Kowalczyk" (k, ko, kow, kowal) and of "Łukasiewicz" typed without its accent
(l, lu, luk, lukas) is timed through ``Repository.search_patients``, beside the floor: the same
ordered query (the first 50 matches in name order) as raw SQL on the same file.
"""

from __future__ import annotations

import sqlite3
import statistics

from bench.fixtures import patients_database
from bench.harness import Context, Goal, Result, interleaved_samples, p95
from bench.workspace import knowledge_base, open_repository
from desktop_app.storage.search import fold, name_query, name_sql

GOAL = Goal(max_value=2.0)  # the issue: ≤ 2 ms per keystroke at 1M patients
LIMIT = 50
SIZES = ((10_000, "10k"), (100_000, "100k"), (1_000_000, "1M"))
NAMES = ("Kowalczyk", "lukasiewicz")
KEYSTROKES = (1, 2, 3, 5)
COLUMNS = "p.id, p.name, p.date_of_birth, p.sex, p.clinic_id, p.contact, p.notes"
FLOOR_IS = (
    "sqlite3 on the same file: the same query for the first 50 matches in name order (the "
    "prefix index of migration 0002, ORDER BY the folded name) as raw SQL, rows fetched"
)


def measure(ctx: Context) -> list[Result]:
    """Median and p95 of each keystroke's search beside the raw ordered query, interleaved."""
    kb = knowledge_base()
    results = []
    for patients, label in SIZES:
        path = patients_database(ctx, patients, 0)
        raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        repo = open_repository(path, kb)
        try:
            for name in NAMES:
                for letters in KEYSTROKES:
                    results.append(_keystroke(ctx, raw, repo, name[:letters], label))
        finally:
            repo.close()
            raw.close()
    return results


def _keystroke(ctx: Context, raw: sqlite3.Connection, repo, text: str, label: str) -> Result:  # type: ignore[no-untyped-def]
    query = name_query(text)
    assert query is not None
    sql = name_sql(query, COLUMNS)
    params = [query.prefix, *query.patterns, LIMIT]
    found = repo.search_patients(text, LIMIT)
    keys = [(fold(p.name), p.id) for p in found]
    if keys != sorted(keys):
        raise RuntimeError(f"search for {text!r} is not in name order")
    if [p.id for p in found] != [r[0] for r in raw.execute(sql, params).fetchall()]:
        raise RuntimeError(f"search for {text!r} differs from the raw ordered query")
    repeats = ctx.repeats(200)
    floor_times, app_times = interleaved_samples(
        lambda: raw.execute(sql, params).fetchall(),
        lambda: repo.search_patients(text, LIMIT),
        repeats,
        warmup=5,
    )
    note = f"{repo.patient_count():,} patients; {len(found)} shown (limit {LIMIT}), in name order."
    return Result(
        f"Search {text!r} ({len(text)} letters), {label} patients",
        "ms",
        repeats,
        GOAL,
        statistics.median(app_times),
        statistics.median(floor_times),
        FLOOR_IS,
        note,
        series=f"Search, {len(text)} letters of {NAMES[0] if text[0] == 'K' else NAMES[1]}",
        size=f"{label} patients",
        p95=p95(app_times),
    )
