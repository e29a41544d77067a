"""`verify` on a 1 GB-class database (100k patients, 3 visits each), full and incremental, and
opening it for a command (no up-front quick_check on a cleanly closed file). Issue 14.

Floors, measured in the same run on the same copy: SQLite's own `PRAGMA integrity_check` (what a
full verify must do at least) for both verify rows, and a bare sqlite3 connection reading the
schema for the open.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from bench.fixtures import patients_database
from bench.harness import Context, Goal, Result, interleaved_medians, median_ms
from bench.workspace import knowledge_base

PATIENTS = 100_000
VISITS = 3
WRITES = 10  # audited writes between two incremental verifies
FULL_GOAL = Goal(max_ratio=3.0)  # integrity check + keyed chain + every signature and patient
INCREMENTAL_GOAL = Goal(max_ratio=0.05)  # a twentieth of what a full integrity check costs
OPEN_GOAL = Goal(max_value=500.0)
BORN = dt.date(1970, 5, 17)
INTEGRITY_FLOOR = "sqlite3 PRAGMA integrity_check of the same file"
OPEN_FLOOR = "sqlite3 connect + read sqlite_master of the same file"


def _integrity(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def _bare_open(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def measure(ctx: Context) -> list[Result]:
    """Full verify, incremental verify after WRITES writes, and a command's open."""
    from desktop_app.storage.database import defer_quick_check
    from desktop_app.storage.repository import Repository

    kb = knowledge_base()
    source = patients_database(ctx, PATIENTS, VISITS)
    path = ctx.work_dir / "verify-1gb.sqlite3"
    shutil.copyfile(source, path)
    size_gb = path.stat().st_size / 1e9
    repeats = 1  # a full read of a 1.8 GB file each (Context.repeats never gives fewer than 3)
    with defer_quick_check(), Repository.open(path, kb, actor="Benchmark") as repo:
        patient = repo.create_patient("Bench Verify", BORN, "female")
        visit = repo.create_visit(patient.id, "initial", list(kb.presentations)[:1])

        def full() -> None:
            report = repo.verify_report()
            if report.problems:
                raise RuntimeError(f"verify found problems: {report.problems[:2]}")

        floor_full, app_full = interleaved_medians(
            lambda: _integrity(path), full, repeats, warmup=0
        )
        counter = [0]

        def writes() -> None:
            for _ in range(WRITES):
                counter[0] += 1
                repo.save_plan(visit.id, f"Plan {counter[0]}")

        def incremental() -> None:
            report = repo.verify_report(incremental=True)
            if report.problems:
                raise RuntimeError(f"verify --incremental found problems: {report.problems[:2]}")

        # Its floor is the full integrity_check measured above on the same file in this run:
        # one more per incremental run doubled the metric's time for the same figure.
        floor_inc = floor_full
        app_inc = median_ms(incremental, ctx.repeats(3), warmup=0, before=writes)

    def command_open() -> None:
        with defer_quick_check():
            Repository.open(path, kb, actor="Benchmark").close()

    floor_open, app_open = interleaved_medians(
        lambda: _bare_open(path), command_open, max(3, ctx.repeats(5))
    )
    size = f"{size_gb:.2f} GB"
    return [
        Result(
            "verify, full",
            "ms",
            repeats,
            FULL_GOAL,
            app_full,
            floor_full,
            INTEGRITY_FLOOR,
            f"Repository.verify_report() on {PATIENTS:,} patients x {VISITS} visits ({size}).",
            size=size,
        ),
        Result(
            f"verify --incremental after {WRITES} writes",
            "ms",
            max(3, ctx.repeats(3)),
            INCREMENTAL_GOAL,
            app_inc,
            floor_inc,
            INTEGRITY_FLOOR,
            f"verify_report(incremental=True) from the last clean full verify ({size}).",
            size=size,
        ),
        Result(
            "open for a command, clean file",
            "ms",
            max(3, ctx.repeats(5)),
            OPEN_GOAL,
            app_open,
            floor_open,
            OPEN_FLOOR,
            f"Repository.open under defer_quick_check (export-pdf, verify --pdf) ({size}).",
            size=size,
        ),
    ]
