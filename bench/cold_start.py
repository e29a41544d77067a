"""Cold start: a fresh interpreter until the app's main window is shown, against a bare window."""

from __future__ import annotations

import shutil
import statistics

from bench.fixtures import patients_database
from bench.harness import Context, Goal, Result
from bench.subprocesses import run_child

GOAL = Goal(max_ratio=1.5)
FLOOR_IS = "a fresh interpreter showing a bare QApplication with an empty QMainWindow (offscreen)"
CASES = (
    ("new", "Cold start, new database", "The app creates and migrates the database file."),
    (
        "big",
        "Cold start, 100k-patient database",
        "A fresh copy of the cached 100,000-patient database each run.",
    ),
)


def measure(ctx: Context) -> list[Result]:
    """Fresh subprocesses, floor and app alternating; each run a first launch (no settings)."""
    repeats = ctx.repeats(7)
    big = patients_database(ctx)
    results = []
    for case, name, note in CASES:
        floor, app = [], []
        for n in range(repeats + 1):
            run_dir = ctx.work_dir / f"cold-{case}-{n}"
            run_dir.mkdir()
            db = run_dir / "visits.sqlite3"
            if case == "big":
                shutil.copyfile(big, db)
            floor_ms = run_child(run_dir, "floor").shown_ms
            app_ms = run_child(run_dir, "app", "--db", str(db)).shown_ms
            shutil.rmtree(run_dir)
            if n:  # the first pair only warms the page cache
                floor.append(floor_ms)
                app.append(app_ms)
        results.append(
            Result(
                name,
                "ms",
                repeats,
                GOAL,
                statistics.median(app),
                statistics.median(floor),
                FLOOR_IS,
                note + " The first pair of runs only warms the page cache.",
            )
        )
    return results
