"""Autosave of one answer against a raw single-row insert in its own transaction.

Two figures: the storage call alone (committed and synced to the disk before it returns), and
what a click waits for on the GUI thread, where the sync runs on a worker (gui/disk_sync.py);
each beside a raw insert with the same durability.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3

from bench.harness import Context, Goal, Result, interleaved_medians
from bench.workspace import knowledge_base, open_repository

GOAL = Goal(max_ratio=2.0)
CLICK_SHARE = Goal(max_value=2.0)  # ms of a click's 16 ms frame the autosave may take
FLOOR_IS = (
    "sqlite3: BEGIN, one INSERT, COMMIT, on a file in the same folder with the app's journal "
    "mode and synchronous setting"
)


def floor_connection(path: str, journal_mode: str, synchronous: int) -> sqlite3.Connection:
    """A bare connection with the same durability settings as the app's."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA journal_mode = {journal_mode}")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("CREATE TABLE answers (visit_id INTEGER, prompt_id TEXT, value TEXT)")
    return conn


def measure(ctx: Context) -> list[Result]:
    """Median of Repository.save_answer (a yes/no answer flipped each time) beside the floor."""
    kb = knowledge_base()
    repo = open_repository(ctx.work_dir / "autosave.sqlite3", kb)
    try:
        patient = repo.create_patient("Bench Autosave", dt.date(1980, 1, 1), "other")
        presentation = next(iter(kb.presentations))
        visit = repo.create_visit(patient.id, "initial", [presentation])
        prompt = next(p for p in kb.prompts_for([presentation]) if p.answer_type == "yes_no")
        journal = repo.db.execute("PRAGMA journal_mode").fetchone()[0]
        synchronous = repo.db.execute("PRAGMA synchronous").fetchone()[0]
        conn = floor_connection(str(ctx.work_dir / "autosave-floor.sqlite3"), journal, synchronous)
        values = itertools.cycle(("yes", "no"))

        def floor() -> None:
            conn.execute("BEGIN")
            conn.execute(
                "INSERT INTO answers VALUES (?, ?, ?)", (visit.id, prompt.id, f'"{next(values)}"')
            )
            conn.execute("COMMIT")

        def app() -> None:
            repo.save_answer(visit.id, prompt.id, next(values))

        repeats = ctx.repeats(200)
        floor_ms, app_ms = interleaved_medians(floor, app, repeats, warmup=5)
        gui = _gui_thread_share(ctx, repo, visit.id, prompt.id, conn, repeats)
        conn.close()
    finally:
        repo.close()
    note = (
        f"journal_mode={journal}, synchronous={synchronous}; each save also appends its audit "
        "entry."
    )
    return [
        Result("Autosave of one answer", "ms", repeats, GOAL, app_ms, floor_ms, FLOOR_IS, note),
        gui,
    ]


def _gui_thread_share(  # type: ignore[no-untyped-def]
    ctx: Context, repo, visit_id: int, prompt_id: str, conn: sqlite3.Connection, repeats: int
) -> Result:
    """Operations.save_answer as a click calls it: committed, the fsync handed to the worker."""
    from bench.gui_driver import application
    from desktop_app.gui.operations import Operations

    application()
    ops = Operations(repo, repo.kb)
    values = itertools.cycle(("yes", "no"))

    def floor() -> None:
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("BEGIN")
        conn.execute("INSERT INTO answers VALUES (?, ?, ?)", (visit_id, prompt_id, '"yes"'))
        conn.execute("COMMIT")
        conn.execute("PRAGMA synchronous = FULL")

    def app() -> None:
        ops.save_answer(visit_id, prompt_id, next(values))

    floor_ms, app_ms = interleaved_medians(floor, app, repeats, warmup=5)
    ops.flush_saves()
    return Result(
        "Autosave of one answer, GUI thread's wait",
        "ms",
        repeats,
        CLICK_SHARE,
        app_ms,
        floor_ms,
        "the same raw insert committed with synchronous=NORMAL (no wait for the disk)",
        "Operations.save_answer: committed without the fsync, which a worker thread runs before "
        "the window says saved (gui/disk_sync.py).",
    )
