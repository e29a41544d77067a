"""Peak resident memory of the app with the 100,000-patient database open and searched."""

from __future__ import annotations

import shutil
import statistics

from bench.fixtures import patients_database
from bench.harness import Context, Goal, Result
from bench.subprocesses import run_child

GOAL = Goal(max_value=250.0)
FLOOR_IS = (
    "a fresh interpreter with a bare QApplication and empty QMainWindow shown that runs the same "
    "ordered name query as raw SQL on the same file"
)


def measure(ctx: Context) -> list[Result]:
    """Peak RSS (ru_maxrss) of fresh subprocesses: the app searched through its window vs floor."""
    big = patients_database(ctx)
    text = "kow"  # three letters of a stored surname (Kowalczyk)
    repeats = ctx.repeats(3)  # peak memory hardly varies; each run backs up 680 MB (run time)
    floor, app = [], []
    db = ctx.work_dir / "memory.sqlite3"
    shutil.copyfile(big, db)  # the app writes its start-up backup beside the database
    for n in range(repeats):
        run_dir = ctx.work_dir / f"memory-{n}"
        run_dir.mkdir()
        shutil.rmtree(db.parent / "backups", ignore_errors=True)  # each run backs up afresh
        floor.append(run_child(run_dir, "floor", "--db", str(db), "--search", text).peak_rss_mb)
        app.append(run_child(run_dir, "app", "--db", str(db), "--search", text).peak_rss_mb)
        shutil.rmtree(run_dir)
    note = (
        f"The app started on a copy of the 100,000-patient database, then {text!r} typed into "
        "the search box of its main window (the patient list filled and painted)."
    )
    return [
        Result(
            "Peak memory, 100k database open and searched",
            "MB",
            repeats,
            GOAL,
            statistics.median(app),
            statistics.median(floor),
            FLOOR_IS,
            note,
        )
    ]
