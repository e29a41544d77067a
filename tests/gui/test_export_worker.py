"""PDF export on a worker thread: pages reported as they are laid out, Cancel writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.export_worker import NOT_AUDITED, start_export
from desktop_app.gui.main_window import MainWindow
from desktop_app.storage.repository import Repository
from tests.gui.conftest import Recorder


def _visits(window: MainWindow, count: int) -> int:
    repo = window.ops.repo
    patient = repo.create_patient("Export Worker", dt.date(1971, 6, 1), "female")
    visit_id = 0
    for n in range(count):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=n)
        kind = "initial" if n == 0 else "follow_up"
        visit_id = repo.create_visit(patient.id, kind, ["buttock_pain"], visit_date=day).id
        repo.save_answer(visit_id, "injection_history", "yes")
    return visit_id


def _exports(window: MainWindow, visit_id: int) -> list[str]:
    trail = window.ops.repo.audit_trail("visit", str(visit_id))
    return [e.action for e in trail if e.action == "export"]


def test_a_history_is_written_off_the_gui_thread_with_its_pages_reported(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    visit_id = _visits(window, 4)
    out = tmp_path / "history.pdf"
    job = start_export(window.ops, window, visit_id, "history", out)
    assert job is not None
    pages: list[int] = []
    job.page.connect(pages.append)
    written: list[Path] = []
    job.done.connect(written.append)
    qtbot.waitUntil(lambda: job.ended, timeout=60_000)
    assert written == [out] and out.read_bytes().startswith(b"%PDF")
    assert pages and pages == sorted(pages) and pages[0] == 1
    assert _exports(window, visit_id) == ["export"]  # audited on the GUI thread


def test_a_cancelled_export_writes_and_audits_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    visit_id = _visits(window, 4)
    out = tmp_path / "history.pdf"
    job = start_export(window.ops, window, visit_id, "history", out)
    assert job is not None
    job.cancel()  # before its first page is laid out
    cancelled: list[bool] = []
    job.cancelled.connect(lambda: cancelled.append(True))
    qtbot.waitUntil(lambda: job.ended, timeout=60_000)
    assert cancelled == [True]
    assert not out.exists() and list(tmp_path.glob("history*")) == []
    assert _exports(window, visit_id) == []


def test_a_pdf_written_but_not_audited_says_so(
    qtbot: QtBot,
    open_app: Callable[[], MainWindow],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A second copy opens read-only: its export is written, but its log cannot take the entry."""
    first = open_app()
    visit_id = _visits(first, 1)
    second = open_app()
    assert second.ops.repo.read_only
    shown = Recorder()
    monkeypatch.setattr(QMessageBox, "warning", shown)
    out = tmp_path / "summary.pdf"
    job = start_export(second.ops, second, visit_id, "summary", out)
    assert job is not None
    written: list[Path] = []
    job.done.connect(written.append)
    qtbot.waitUntil(lambda: job.ended, timeout=60_000)
    assert written == [out] and out.read_bytes().startswith(b"%PDF")
    [(title, text)] = shown.calls
    assert title == NOT_AUDITED and str(out) in text and "read-only" in text
    assert _exports(first, visit_id) == []


def test_an_export_is_audited_in_the_database_it_was_read_from(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, kb: KnowledgeBase
) -> None:
    """The window switched to another database (a restore reopens it) while the PDF was being
    written: the export entry goes to the database the PDF describes, never to the new one."""
    visit_id = _visits(window, 2)
    read_from = window.ops.repo
    job = start_export(window.ops, window, visit_id, "summary", tmp_path / "summary.pdf")
    other = Repository.open(tmp_path / "other" / "visits.sqlite3", kb)
    try:
        window.ops.repo = other  # before the worker has even started
        qtbot.waitUntil(lambda: job.ended, timeout=60_000)
        assert _exports(window, visit_id) == []  # the window's database now: nothing in it
        assert [e.action for e in other.audit_trail() if e.action == "export"] == []
    finally:
        window.ops.repo = read_from
        other.close()
    assert _exports(window, visit_id) == ["export"]
