"""Cold start: a fresh interpreter until the app's main window is shown, against a bare window."""

from __future__ import annotations

import shutil
import statistics

from bench.fixtures import patients_database
from bench.harness import Context, Goal, Result
from bench.subprocesses import run_child

GOAL = Goal(max_ratio=1.5)
FLOOR_IS = "a fresh interpreter showing a bare QApplication with an empty QMainWindow (offscreen)"


def measure(ctx: Context) -> list[Result]:
    """Fresh subprocesses, floor and app alternating: a new database, then the 100k one."""
    repeats = ctx.repeats(9)
    run_child(ctx.work_dir, "floor")  # warm the page cache for both
    big = patients_database(ctx)
    cases = (("new", "Cold start, new database"), ("big", "Cold start, 100k-patient database"))
    results = []
    for case, name in cases:
        floor, app = [], []
        for n in range(repeats + 1):
            db = ctx.work_dir / f"cold-{case}-{n}.sqlite3"
            if case == "big":
                shutil.copyfile(big, db)  # the app may write to it (migrations, settings)
            floor_ms = run_child(ctx.work_dir, "floor").shown_ms
            app_ms = run_child(ctx.work_dir, "app", "--db", str(db)).shown_ms
            if n:  # the first pair only warms the page cache
                floor.append(floor_ms)
                app.append(app_ms)
            db.unlink(missing_ok=True)
        note = (
            "The app creates and migrates the file."
            if case == "new"
            else "A copy of the cached demo database (fresh file each run)."
        )
        results.append(
            Result(
                name,
                "ms",
                repeats,
                GOAL,
                statistics.median(app),
                statistics.median(floor),
                FLOOR_IS,
                note,
            )
        )
    return results
