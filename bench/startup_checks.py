"""What a start costs after the window shows, and how long quitting waits, at 300k and 1M patients.

Per size, on one copy of the registered-patients database (bench/fixtures.py): one first start
(the start-up backup: the file copied and the copy's full integrity_check, which stands for the
day's check; timed once, it reads the whole file twice), then repeated: a start the same day
(neither is due: storage/check_record.py, storage/backup_due.py) and a start closed while the
check runs (the backups and the check's record moved aside so that both are due).
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import time
from pathlib import Path

from bench.fixtures import patients_database
from bench.harness import Context, Goal, Result
from bench.subprocesses import run_child

SIZES = ((300_000, "300k"), (1_000_000, "1M"))
QUIT_GOAL = Goal(max_value=1000.0)
CHECK_FLOOR = "PRAGMA quick_check of the same file on a plain sqlite3 connection (read once)"
QUIT_FLOOR = "a fresh interpreter's empty QMainWindow closed as soon as it is shown, until exit"


def _quick_check_ms(db: Path) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.execute("PRAGMA quick_check").fetchone()
    conn.close()
    return (time.perf_counter() - start) * 1000


def _checks_ms(run_dir: Path, db: Path) -> float:
    run = run_child(run_dir, "app", "--db", str(db), "--until-checks")
    assert run.later_ms is not None
    return run.later_ms - run.shown_ms


def measure(ctx: Context) -> list[Result]:
    repeats = ctx.repeats(3)
    results = []
    for patients, label in SIZES:
        source = patients_database(ctx, patients, 0)
        run_dir = ctx.work_dir / f"startup-{label}"
        run_dir.mkdir()
        db = run_dir / "visits.sqlite3"
        shutil.copyfile(source, db)
        backups, kept = run_dir / "backups", run_dir / "backups-kept"
        floor = [_quick_check_ms(db)]
        # Once: it reads the whole file twice (at 1M on the loaded machine, a minute or more).
        first = [_checks_ms(run_dir, db)]
        again, quit_app, quit_floor = [], [], []
        for _ in range(repeats):
            floor.append(_quick_check_ms(db))
            again.append(_checks_ms(run_dir, db))  # a backup from minutes ago: not due
            backups.rename(kept)  # the backup is due again for the start closed at once
            record = Path(f"{db}.checked")  # and the check (storage/check_record.py)
            record.replace(record.with_suffix(".kept"))  # the same-day start wrote it
            quit_floor.append(run_child(run_dir, "floor", "--quit-at-once").later_ms or 0.0)
            run = run_child(run_dir, "app", "--db", str(db), "--quit-at-once")
            quit_app.append(run.later_ms or 0.0)
            shutil.rmtree(backups, ignore_errors=True)  # nothing is left by a stopped copy
            kept.rename(backups)
            record.with_suffix(".kept").replace(record)
        size_mb = db.stat().st_size / 1e6
        shutil.rmtree(run_dir)
        what = f"{patients:,} registered patients, {size_mb:.0f} MB"
        results += [
            Result(
                f"Start-up checks, first start, {label} patients",
                "ms",
                1,
                Goal(),
                statistics.median(first),
                statistics.median(floor),
                CHECK_FLOOR,
                f"{what}: from the window shown until the worker thread's start-up backup "
                "ended (the copy and its full integrity_check, which stands for the day's "
                "quick_check: the file read twice); the window is usable throughout, so no "
                "goal of its own.",
                series="Start-up checks, first start",
                size=label,
            ),
            Result(
                f"Start-up checks, same-day start, {label} patients",
                "ms",
                repeats,
                Goal(),
                statistics.median(again),
                statistics.median(floor),
                CHECK_FLOOR,
                f"{what}: a second start the same day, after the first one's clean close: "
                "neither the check nor the backup is due (today's clean check holds for the "
                "file as the app left it, storage/check_record.py; the backup is minutes old).",
                series="Start-up checks, same-day start",
                size=label,
            ),
            Result(
                f"Quit during the start-up checks, {label} patients",
                "ms",
                repeats,
                QUIT_GOAL,
                statistics.median(quit_app),
                statistics.median(quit_floor),
                QUIT_FLOOR,
                f"{what}: the window closed 0.3 s after the start-up worker began (check and "
                "backup due: the copy under way), until the process ended.",
                series="Quit during the start-up checks",
                size=label,
            ),
        ]
    return results
