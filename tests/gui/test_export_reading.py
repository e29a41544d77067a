"""The export's reading of the records happens on its worker, with progress and Cancel.

Reading a many-visit history one visit at a time froze the window (0.6 s at 2000 visits): the
worker reads on a connection of its own, and Cancel stops it between two visits.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from desktop_app import reporting
from desktop_app.core.records import Visit
from desktop_app.gui.export_worker import start_export
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_actions import follow_export
from desktop_app.storage.repository import Repository

VISITS = 60


def _visits(window: MainWindow, count: int) -> int:
    repo = window.ops.repo
    patient = repo.create_patient("Many Visits", dt.date(1966, 4, 2), "male")
    visit_id = 0
    with repo.batch():
        for n in range(count):
            day = dt.date(2022, 1, 3) + dt.timedelta(days=n)
            kind = "initial" if n == 0 else "follow_up"
            visit_id = repo.create_visit(patient.id, kind, ["buttock_pain"], visit_date=day).id
            repo.save_answer(visit_id, "injection_history", "yes")
    return visit_id


def _exports(window: MainWindow, visit_id: int) -> list[str]:
    trail = window.ops.repo.audit_trail("visit", str(visit_id))
    return [e.action for e in trail if e.action == "export"]


def _spy_reads(monkeypatch: pytest.MonkeyPatch, also: Any = None) -> list[tuple[str, Any]]:
    """Every visit read: (the reading thread's name, the repository read from)."""
    reads: list[tuple[str, Any]] = []
    original = Repository.get_visit

    def get_visit(self: Repository, visit_id: int) -> Visit:
        reads.append((threading.current_thread().name, self))
        if also is not None:
            also(self)
        return original(self, visit_id)

    monkeypatch.setattr(Repository, "get_visit", get_visit)
    return reads


def test_an_export_returns_to_the_event_loop_before_a_record_is_read(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    visit_id = _visits(window, VISITS)
    reads = _spy_reads(monkeypatch)
    gate = threading.Event()
    load = reporting.load_bundle

    def held(*args: Any, **kwargs: Any) -> Any:
        assert gate.wait(30)  # the reading waits until the test has seen the event loop run
        return load(*args, **kwargs)

    monkeypatch.setattr(reporting, "load_bundle", held)
    out = tmp_path / "history.pdf"
    job = start_export(window.ops, window, visit_id, "history", out)
    progress: list[tuple[int, int]] = []
    job.reading.connect(lambda n, total: progress.append((n, total)))
    ticked: list[bool] = []
    QTimer.singleShot(0, lambda: ticked.append(True))
    qtbot.waitUntil(lambda: ticked == [True])  # the window handles events: nothing holds it
    assert reads == []  # and not one visit has been read yet
    gate.set()
    written: list[Path] = []
    job.done.connect(written.append)
    qtbot.waitUntil(lambda: job.ended, timeout=60_000)
    assert written == [out] and out.read_bytes().startswith(b"%PDF")
    assert len(reads) == VISITS  # every visit, each once, by the worker on a copy of its own
    assert {name for name, _ in reads} == {"pdf-export"}
    assert all(repo is not window.ops.repo for _, repo in reads)
    assert progress[0] == (1, VISITS) and progress[-1] == (VISITS, VISITS)
    assert _exports(window, visit_id) == ["export"]  # audited in the window's repository


def test_cancel_while_the_records_are_read_writes_and_audits_nothing(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    visit_id = _visits(window, VISITS)
    reached, resume = threading.Event(), threading.Event()
    copies: list[Any] = []

    def tenth_read_waits(repo: Any) -> None:  # on the worker: hold it mid-reading
        if repo is not window.ops.repo:
            copies.append(repo)
            if len(copies) == 10:
                reached.set()
                assert resume.wait(30)

    _spy_reads(monkeypatch, tenth_read_waits)
    out = tmp_path / "history.pdf"
    job = start_export(window.ops, window, visit_id, "history", out)
    try:
        follow_export(window, job)  # the progress dialog File › Export shows
        pages: list[int] = []
        job.page.connect(pages.append)
        cancelled: list[bool] = []
        job.cancelled.connect(lambda: cancelled.append(True))
        qtbot.waitUntil(reached.is_set, timeout=30_000)
        [dialog] = window.findChildren(QProgressDialog)
        qtbot.waitUntil(dialog.isVisible, timeout=5_000)  # after its half-second delay
        qtbot.waitUntil(lambda: dialog.labelText() == "Reading the records… visit 1 of 60")
        [cancel] = dialog.findChildren(QPushButton)
        assert cancel.text() == "Cancel"
        cancel.click()
    finally:
        resume.set()  # the worker goes on: to its next visit, where it sees the Cancel
    qtbot.waitUntil(lambda: job.ended, timeout=60_000)
    assert cancelled == [True] and pages == []  # stopped while reading, before any page
    assert len(copies) == 10  # not one visit more was read
    assert not out.exists() and list(tmp_path.glob("history*")) == []
    assert _exports(window, visit_id) == []
    assert window.statusBar().currentMessage() == "Export cancelled."
