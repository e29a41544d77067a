"""The window opens before the file check and start-up backup, which then report in the window."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.app import App
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.application import open_window
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_editor import VisitEditor
from desktop_app.storage.backup import backups, default_backup_dir
from desktop_app.storage.repository import Repository
from tests.damage import damage_database
from tests.gui.conftest import Recorder, wait_for_startup_checks
from tests.gui.flows import start_visit


def test_damage_found_after_the_window_opened_makes_it_read_only_and_takes_no_backup(
    qtbot: QtBot, db_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    damage_database(db_path, Repository.open(db_path, kb))
    warned = Recorder()
    monkeypatch.setattr(QMessageBox, "warning", warned)
    window = open_window(App(db=db_path, kb=kb))
    assert window is not None
    qtbot.addWidget(window)
    wait_for_startup_checks(qtbot, window)
    [(title, text)] = warned.calls
    assert title == "The database is damaged"
    assert "read-only" in text and "nothing more will be saved" in text and str(db_path) in text
    assert window.ops.repo.read_only and "read-only" in window.windowTitle()
    assert window.read_only_bar.isVisible() and "damaged" in window.read_only_bar.text()
    assert not window.new_patient_button.isEnabled()
    assert not window.new_patient_action.isEnabled()
    assert backups(db_path, default_backup_dir(db_path)) == []  # sound backups stay the newest
    window.close()


def test_damage_after_an_unclean_shutdown_is_found_before_the_window_opens(
    qapp: object, db_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    damage_database(db_path, Repository.open(db_path, kb))
    Path(f"{db_path}-wal").write_bytes(b"\0" * 32)  # a killed app's log, frames unfinished
    shown = Recorder()
    monkeypatch.setattr(QMessageBox, "critical", shown)
    assert open_window(App(db=db_path, kb=kb)) is None
    [(title, text)] = shown.calls
    assert title == "The database cannot be opened" and "damaged" in text


def test_a_failed_start_up_backup_is_said_in_the_status_bar(
    qtbot: QtBot, db_path: Path, kb: KnowledgeBase
) -> None:
    with Repository.open(db_path, kb) as repo:
        repo.create_patient("Backed Up", dt.date(1970, 1, 1), "female")
    default_backup_dir(db_path).write_text("a file where the backup folder should be")
    window = open_window(App(db=db_path, kb=kb))
    assert window is not None
    qtbot.addWidget(window)
    wait_for_startup_checks(qtbot, window)
    assert window.statusBar().currentMessage().startswith("Start-up backup failed:")
    assert not window.ops.repo.read_only
    window.close()


def test_the_visit_editor_is_built_on_the_first_visit_opened(window: MainWindow) -> None:
    assert window.findChildren(VisitEditor) == []
    window.ops.create_patient("Lazy Editor", dt.date(1970, 1, 1), "female")
    window.show_patient(window.ops.search_patients("Lazy")[0].id)
    start_visit(window, ["gluteal_depression"])
    assert window.findChildren(VisitEditor) == [window.editor]
    assert window.stack.currentWidget() is window.editor


def test_the_first_window_does_not_import_the_visit_editor_or_reportlab() -> None:
    code = (
        "import sys, desktop_app.app, desktop_app.gui.application;"
        "print(sorted(m for m in sys.modules if m.startswith(('desktop_app.gui.visit_editor',"
        "'desktop_app.gui.body_chart', 'reportlab', 'pikepdf'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_an_open_visit_stops_taking_changes_when_the_window_turns_read_only(
    window: MainWindow,
) -> None:
    window.ops.create_patient("Open Visit", dt.date(1970, 1, 1), "male")
    window.show_patient(window.ops.search_patients("Open Visit")[0].id)
    start_visit(window, ["gluteal_depression"])
    editor = window.editor
    assert editor.editable and editor.history.isEnabled()
    window.enter_read_only("the database file is damaged.")
    assert window.stack.currentWidget() is editor and editor.visit is not None
    assert not editor.editable and not editor.history.isEnabled()
    assert not editor.sign_button.isEnabled() and editor.status.text() == "Read-only copy"
    assert not window.new_visit_action.isEnabled()
    window.show_patient_page()
    assert not window.page.new_visit.isEnabled() and not window.page.edit_details.isEnabled()
