"""The start-up integrity check runs when due, not at every start (issue 17), and a file changed
by anything but this app is checked again; the worker thread holds no Qt object."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.app import App
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.application import open_window
from desktop_app.gui.main_window import MainWindow
from desktop_app.storage import check_record, database
from desktop_app.storage.repository import Repository
from tests.damage import PAGE
from tests.gui.conftest import Recorder, wait_for_startup_checks


def _session(qtbot: QtBot, db_path: Path, kb: KnowledgeBase) -> MainWindow:
    """One start of the app, until its start-up worker has reported, then closed."""
    window = open_window(App(db=db_path, kb=kb))
    assert window is not None
    qtbot.addWidget(window)
    wait_for_startup_checks(qtbot, window)
    window.close()
    return window


@pytest.fixture
def used_db(qtbot: QtBot, db_path: Path, kb: KnowledgeBase) -> Path:
    """A database with patients on several pages, checked clean by a first start and closed."""
    with database.defer_quick_check(), Repository.open(db_path, kb) as repo:  # never checked
        for n in range(300):
            repo.create_patient(f"Patient {n}", dt.date(1975, 6, 1), "unknown")
    first = _session(qtbot, db_path, kb)
    assert first.startup_checks is not None and first.startup_checks.check
    return db_path


def test_a_second_start_the_same_day_does_not_read_the_file_again(
    qtbot: QtBot, used_db: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[str] = []
    real = database.damage
    monkeypatch.setattr(database, "damage", lambda conn: checks.append("quick") or real(conn))
    again = _session(qtbot, used_db, kb)
    assert again.startup_checks is not None and not again.startup_checks.check
    assert checks == []


def test_a_file_changed_outside_the_app_is_checked_and_its_damage_found(
    qtbot: QtBot, used_db: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = bytearray(used_db.read_bytes())
    data[3 * PAGE + 100 : 5 * PAGE] = b"\xff" * (2 * PAGE - 100)  # same size, same inode
    used_db.write_bytes(bytes(data))
    warned = Recorder()
    monkeypatch.setattr(QMessageBox, "warning", warned)
    window = _session(qtbot, used_db, kb)
    assert window.startup_checks is not None and window.startup_checks.check
    [(title, _text)] = warned.calls
    assert title == "The database is damaged"
    assert not check_record.record_path(used_db).exists()  # damage: no record covers it


def test_a_clean_check_older_than_a_day_is_due_again(
    qtbot: QtBot, used_db: Path, kb: KnowledgeBase
) -> None:
    record = check_record.record_path(used_db)
    found = json.loads(record.read_text())
    found["checked_at"] -= check_record.EVERY_S + 60
    record.write_text(json.dumps(found))
    window = _session(qtbot, used_db, kb)
    assert window.startup_checks is not None and window.startup_checks.check


def test_a_write_by_another_program_makes_the_check_due(
    qtbot: QtBot, used_db: Path, kb: KnowledgeBase
) -> None:
    conn = sqlite3.connect(used_db)
    conn.execute("UPDATE patients SET notes = 'edited elsewhere' WHERE id = 1")
    conn.commit()
    conn.close()
    assert not check_record.covers(used_db)
    window = _session(qtbot, used_db, kb)
    assert window.startup_checks is not None and window.startup_checks.check


def test_a_command_after_the_window_closed_does_not_check_the_file_again(
    used_db: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[str] = []
    real = database.damage
    monkeypatch.setattr(database, "damage", lambda conn: checks.append("quick") or real(conn))
    with Repository.open(used_db, kb) as repo:  # the default open of every command
        repo.create_patient("Added By A Command", dt.date(1980, 1, 1), "male")
    with Repository.open(used_db, kb):  # the record follows this app's own clean close
        pass
    assert checks == []
    Path(f"{used_db}-wal").write_bytes(b"\0" * 32)  # a killed writer's log (it has frames)
    with Repository.open(used_db, kb):
        pass
    assert checks == ["quick"]  # a file not closed cleanly is checked whatever the record says


def test_the_worker_thread_is_given_no_qt_object(
    qtbot: QtBot, db_path: Path, kb: KnowledgeBase
) -> None:
    window = _session(qtbot, db_path, kb)
    checks = window.startup_checks
    assert checks is not None
    thread = checks._thread
    reachable = [thread._target, *thread._args] if hasattr(thread, "_target") else []
    bound = [getattr(part, "__self__", None) for part in reachable]
    assert not any(isinstance(part, QObject) for part in [*reachable, *bound])


def test_a_due_backup_stands_for_the_check_and_the_file_is_read_twice_not_three_times(
    qtbot: QtBot, db_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Repository.open(db_path, kb) as repo:
        repo.create_patient("Backed Up", dt.date(1970, 1, 1), "female")
    checks: list[str] = []
    real = database.damage
    monkeypatch.setattr(database, "damage", lambda conn: checks.append("quick") or real(conn))
    window = _session(qtbot, db_path, kb)
    assert window.statusBar().currentMessage() == "Start-up backup saved."
    assert checks == []  # the copy got the full integrity_check before it was named
    assert check_record.covers(db_path)  # and that counts as today's clean check
