"""Start-up: empty database, unreadable database, a second copy, backups, remembered state."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from desktop_app import workstation
from desktop_app.app import App
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.application import open_window, run_gui
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.settings_dialog import SettingsDialog
from desktop_app.gui.startup_checks import SKIPPED
from desktop_app.storage.backup import backups, default_backup_dir
from tests.gui.conftest import Recorder, answer_dialog, wait_for_startup_checks
from tests.gui.flows import create_patient


def test_empty_database_shows_how_to_start(qtbot: QtBot, window: MainWindow, db_path: Path) -> None:
    assert window.stack.currentWidget() is window.welcome
    assert "Ctrl+N" in window.welcome.text() and "New patient" in window.welcome.text()
    assert window.list.count() == 0
    wait_for_startup_checks(qtbot, window)  # the start-up backup runs once the window is shown
    # Nothing to back up yet: an empty file never rotates a real backup out.
    assert backups(db_path, default_backup_dir(db_path)) == []
    assert window.statusBar().currentMessage() == SKIPPED


def test_unreadable_database_is_a_clear_dialog_not_a_traceback(
    qapp: object, db_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not a database, just some text " * 200)
    shown = Recorder()
    monkeypatch.setattr(QMessageBox, "critical", shown)
    assert open_window(App(db=db_path, kb=kb)) is None
    [(title, text)] = shown.calls
    assert title == "The database cannot be opened"
    assert str(db_path) in text and "Traceback" not in text


def test_a_second_copy_opens_read_only_and_says_so(
    qtbot: QtBot, open_app: Callable[[], MainWindow]
) -> None:
    first = open_app()
    create_patient(first, "Shared Record", QDate(1960, 3, 3))
    second = open_app()
    assert second.ops.repo.read_only
    assert second.read_only_bar.isVisible() and "read-only" in second.read_only_bar.text()
    assert "read-only" in second.windowTitle()
    assert not second.new_patient_button.isEnabled()
    assert not second.new_patient_action.isEnabled()
    assert second.list.count() == 1  # it still shows the records
    second.show_patient(first.patient.id)
    assert not second.page.new_visit.isEnabled()


def test_geometry_and_last_patient_are_remembered(
    qtbot: QtBot, open_app: Callable[[], MainWindow]
) -> None:
    window = open_app()
    create_patient(window, "Remember Me", QDate(1999, 9, 9))
    # The offscreen screen is 800 x 600 and restoreGeometry() shrinks a window to its screen.
    window.resize(731, 517)
    qtbot.waitUntil(lambda: window.width() == 731)
    window.close()
    again = open_app()
    assert again.stack.currentWidget() is again.page
    assert again.page.name.text() == "Remember Me"
    # Offscreen, restoreGeometry() takes off a few pixels of "frame": close to, not equal.
    assert abs(again.width() - 731) < 40 and abs(again.height() - 517) < 40


def test_run_gui_opens_the_window_on_the_db_argument(
    qapp: QApplication, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs the crash handler
    opened: list[str] = []

    def close_it() -> None:
        window = next(w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow))
        opened.append(str(window.ops.repo.path))
        window.close()

    QTimer.singleShot(0, close_it)
    assert run_gui(App(db=db_path)) == 0
    assert opened == [str(db_path)] and db_path.is_file()


def test_settings_can_choose_the_database_for_the_next_start(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere" / "clinic.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(other), ""))

    def choose(dialog: SettingsDialog) -> None:
        next(b for b in dialog.findChildren(QPushButton) if "another" in b.text()).click()
        dialog.reject()

    answer_dialog(SettingsDialog, choose)
    window.open_settings()
    assert workstation.database_path(None) == other
    assert workstation.database_path(tmp_path / "given.sqlite3") == tmp_path / "given.sqlite3"


def test_a_database_chosen_by_an_older_version_is_kept(tmp_path: Path) -> None:
    from desktop_app.gui.preferences import LEGACY_DATABASE_KEY, adopt_database_choice, app_settings

    old = tmp_path / "old-choice.sqlite3"
    store = app_settings()
    store.setValue(LEGACY_DATABASE_KEY, str(old))
    store.sync()
    adopt_database_choice()
    assert workstation.database_path(None) == old
    assert app_settings().value(LEGACY_DATABASE_KEY) is None
