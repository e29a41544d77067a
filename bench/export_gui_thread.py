"""Export a summary PDF of a patient with 2000 visits: the time the GUI thread spends on it.

The window's export (gui/export_worker.start_export) reads the records and writes the PDF on a
worker; the GUI thread starts it and, when the file is written, audits it. Timed: the wall time
of those steps on the GUI thread (start_export, the job's start on the next turn of the event
loop, and its end, which hashes the file and appends the audit entry), not the worker's.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

from bench.fixtures import many_visits_database
from bench.harness import Context, Goal, Result, p95

GOAL = Goal(max_value=100.0)
SIZE = 2000
FLOOR_IS = (
    "the GUI thread's part of any export done on a worker: start a thread that writes a file "
    "of the summary's size and signals back, then hash the file (SHA-256) and commit one row "
    "to an SQLite file (WAL, synchronous FULL)"
)


def measure(ctx: Context) -> list[Result]:
    """Median and p95 of the GUI thread's time per export, beside the floor's."""
    from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal
    from PySide6.QtWidgets import QWidget

    from bench.gui_driver import application
    from bench.workspace import knowledge_base, open_repository
    from desktop_app.gui import export_worker
    from desktop_app.gui.operations import Operations

    application()
    kb = knowledge_base()
    cached, patients = many_visits_database(ctx)
    path = ctx.work_dir / "export-gui-thread.sqlite3"
    shutil.copyfile(cached, path)  # each export is audited
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    (visit_id,) = raw.execute(
        "SELECT max(id) FROM visits WHERE patient_id = ?", [patients[SIZE]]
    ).fetchone()
    raw.close()
    repo = open_repository(path, kb)
    ops = Operations(repo, kb)
    parent = QWidget()
    out = ctx.work_dir / "summary-2000.pdf"
    spent: list[float] = []  # GUI-thread ms of the export being timed
    job_class = export_worker.ExportJob
    untimed = {name: getattr(job_class, name) for name in ("start", "_finish")}

    inside = [0]  # a step run inside another (start_export used to start the job) counts once

    def timed(method: Callable[..., None]) -> Callable[..., None]:
        def run(self: Any, *args: Any) -> None:
            started = time.perf_counter()
            inside[0] += 1
            try:
                method(self, *args)
            finally:
                inside[0] -= 1
                if not inside[0]:
                    spent.append((time.perf_counter() - started) * 1000)

        return run

    gaps: list[float] = []  # the longest wait of the event loop during each export, ms

    def run_until(ended: Callable[[], bool]) -> None:
        """Spin the event loop until ``ended``; note its longest gap between 1 ms ticks."""
        loop = QEventLoop()
        last, longest = [time.perf_counter()], [0.0]

        def tick() -> None:
            now = time.perf_counter()
            longest[0] = max(longest[0], now - last[0])
            last[0] = now
            if ended():
                loop.quit()

        timer = QTimer()
        timer.setInterval(1)
        timer.timeout.connect(tick)
        timer.start()
        loop.exec()
        timer.stop()
        gaps.append(longest[0] * 1000)

    def app() -> float:
        spent.clear()
        started = time.perf_counter()
        inside[0] += 1
        job = export_worker.start_export(ops, parent, visit_id, "summary", out)
        inside[0] -= 1
        spent.append((time.perf_counter() - started) * 1000)
        if job is None:
            raise RuntimeError("the export did not start")
        run_until(lambda: job.ended)
        if not out.is_file() or len(spent) < 2:
            raise RuntimeError("the export did not write its file")
        return sum(spent)

    floor_db = sqlite3.connect(ctx.work_dir / "export-floor.sqlite3")
    floor_db.execute("PRAGMA journal_mode = WAL")
    floor_db.execute("PRAGMA synchronous = FULL")
    floor_db.execute("CREATE TABLE IF NOT EXISTS log (id INTEGER PRIMARY KEY, sha256 TEXT)")
    floor_out = ctx.work_dir / "floor-export.bin"

    class Done(QObject):
        done = Signal()

    def floor() -> float:
        size = out.stat().st_size
        signal, ended, spent_floor = Done(), [False], [0.0]

        def on_done() -> None:
            started = time.perf_counter()
            digest = hashlib.sha256(floor_out.read_bytes()).hexdigest()
            with floor_db:
                floor_db.execute("INSERT INTO log (sha256) VALUES (?)", [digest])
            spent_floor[0] += (time.perf_counter() - started) * 1000
            ended[0] = True

        signal.done.connect(on_done)

        def work() -> None:
            floor_out.write_bytes(b"%" * size)
            signal.done.emit()

        started = time.perf_counter()
        threading.Thread(target=work, daemon=True).start()
        spent_floor[0] += (time.perf_counter() - started) * 1000
        run_until(lambda: ended[0])
        return spent_floor[0]

    for name, method in untimed.items():  # the job's steps on the GUI thread
        setattr(job_class, name, timed(method))
    try:
        repeats = ctx.repeats(10)
        app(), floor()  # warm-up: ReportLab's imports and fonts, the file's first page reads
        gaps.clear()
        floor_ms, app_ms = [], []
        for _ in range(repeats):  # alternating, so drifts in machine load hit both
            floor_ms.append(floor())
            app_ms.append(app())
        app_gaps = gaps[1::2]
    finally:
        for name, method in untimed.items():
            setattr(job_class, name, method)
        floor_db.close()
        parent.deleteLater()
        repo.close()
    note = (
        "gui/export_worker.start_export(kind='summary') of the newest visit of a patient with "
        f"{SIZE} visits (two scored measures each: the charts show every visit), until written "
        "and audited; timed on the GUI thread only. Longest wait of the event loop during an "
        f"export (1 ms timer, median of runs): {statistics.median(app_gaps):.0f} ms (the "
        "worker holds the interpreter lock in turns with it)."
    )
    return [
        Result(
            f"Export a summary PDF of a patient with {SIZE} visits: GUI-thread time",
            "ms",
            repeats,
            GOAL,
            statistics.median(app_ms),
            statistics.median(floor_ms),
            FLOOR_IS,
            note,
            p95=p95(app_ms),
        )
    ]
