"""Cold start: a fresh interpreter until the app's main window is shown, against a bare window.

Three launches: a first launch on a new database, a first launch on a copy of the 100k-patient
database, and a returning user, whose last session ended with a full visit open: the window
shows first, then the visit reopens (timed too, as its own row).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench.fixtures import patients_database
from bench.harness import Context, Goal, Result
from bench.subprocesses import CHILD, ROOT, TIMEOUT_S, child_env, run_child

GOAL = Goal(max_ratio=1.5)
FLOOR_IS = "a fresh interpreter showing a bare QApplication with an empty QMainWindow (offscreen)"
CASES = (
    ("new", "Cold start, new database", "The app creates and migrates the database file."),
    (
        "big",
        "Cold start, 100k-patient database",
        "A copy of the cached 100,000-patient database (its start-up backup removed after "
        "each run, so every run is a first start on it).",
    ),
)
STACK_IS = (
    "No app code: the bare window plus sqlite-utils imported and the file opened through it, "
    "Qt's namespace, Fusion, 4 menus of 4 actions, a search box, a list of up to 50 names read "
    "from the file, a button, a welcome text and a status bar (bench/child.py stack)."
)
RETURNING = (
    "A returning user: the same settings, knowledge-base cache and database each run, the last "
    "session ended with a full visit open (every prompt, test, mark and measure recorded)."
)


def measure(ctx: Context) -> list[Result]:
    """Fresh subprocesses, floor and app alternating; each first launch without settings."""
    repeats = ctx.repeats(5)  # 7 before: two pairs cut to keep `make bench` under 15 min
    big = patients_database(ctx)
    results = []
    copy = ctx.work_dir / "cold-big.sqlite3"
    shutil.copyfile(big, copy)  # once: each run's start-up backup is removed after it
    for case, name, note in CASES:
        floor, stack, app = [], [], []
        for n in range(repeats + 1):
            run_dir = ctx.work_dir / f"cold-{case}-{n}"
            run_dir.mkdir()
            db = copy if case == "big" else run_dir / "visits.sqlite3"
            floor_ms = run_child(run_dir, "floor").shown_ms
            stack_db = copy if case == "big" else run_dir / "stack.sqlite3"
            stack_ms = run_child(run_dir, "stack", "--db", str(stack_db)).shown_ms
            app_ms = run_child(run_dir, "app", "--db", str(db)).shown_ms
            shutil.rmtree(run_dir)
            shutil.rmtree(copy.parent / "backups", ignore_errors=True)
            if n:  # the first runs only warm the page cache
                floor.append(floor_ms)
                stack.append(stack_ms)
                app.append(app_ms)
        note += " The first runs only warm the page cache."
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
        results.append(
            Result(
                f"{name}: the stack's own floor",
                "ms",
                repeats,
                Goal(),
                statistics.median(stack),
                statistics.median(floor),
                FLOOR_IS,
                STACK_IS + " No goal: what bounds the row above (bench/README.md).",
            )
        )
    return results + returning_user(ctx, repeats)


def _returning_workspace(run_dir: Path) -> Path:
    """A database with a clinician and a full visit, and settings that reopen that visit."""
    from bench.workspace import full_visit, knowledge_base, open_repository

    run_dir.mkdir()
    db = run_dir / "visits.sqlite3"
    with open_repository(db, knowledge_base()) as repo:
        repo.add_clinician("Bench Clinician", "Physiotherapist", "PH000000")
        visit_id = full_visit(repo)
        patient_id = repo.get_visit(visit_id).patient_id
    remembered = ("--patient", str(patient_id), "--visit", str(visit_id))
    subprocess.run(
        [sys.executable, str(CHILD), "remember", *remembered],
        cwd=ROOT,
        env=child_env(run_dir),  # the same settings folder as the timed runs
        check=True,
        timeout=TIMEOUT_S,
    )
    return db


def returning_user(ctx: Context, repeats: int) -> list[Result]:
    """The window shown, and the visit reopened, for a user who comes back."""
    run_dir = ctx.work_dir / "cold-returning"
    db = _returning_workspace(run_dir)
    floor, shown, visit = [], [], []
    for n in range(repeats + 1):
        floor_ms = run_child(run_dir, "floor").shown_ms
        run = run_child(run_dir, "app", "--db", str(db), "--until-visit")
        if run.later_ms is None:
            raise RuntimeError("the returning user's visit was not reopened")
        if n:  # the first run makes the knowledge-base cache and the start-up backup
            floor.append(floor_ms)
            shown.append(run.shown_ms)
            visit.append(run.later_ms)
    shutil.rmtree(run_dir)
    note = RETURNING + " The first pair of runs only warms the caches."
    return [
        Result(
            "Cold start, returning user (window shown)",
            "ms",
            repeats,
            GOAL,
            statistics.median(shown),
            statistics.median(floor),
            FLOOR_IS,
            note,
        ),
        Result(
            "Cold start, returning user (last visit reopened)",
            "ms",
            repeats,
            Goal(),
            statistics.median(visit),
            statistics.median(floor),
            FLOOR_IS,
            note + " Until the editor shows the visit and has painted; no goal of its own.",
        ),
    ]
