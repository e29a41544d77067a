"""The window's start-up backup runs at most once a day, and quitting stops it (issue 17)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.app import App
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.application import open_window
from desktop_app.gui.startup_checks import StartupChecks
from desktop_app.storage.backup import backups, default_backup_dir
from desktop_app.storage.repository import Repository
from tests.gui.conftest import wait_for_startup_checks


def _start(qtbot: QtBot, db_path: Path, kb: KnowledgeBase) -> str:
    window = open_window(App(db=db_path, kb=kb))
    assert window is not None
    qtbot.addWidget(window)
    wait_for_startup_checks(qtbot, window)
    message = window.statusBar().currentMessage()
    window.close()
    return message


def test_a_second_start_the_same_day_takes_no_backup_and_says_why(
    qtbot: QtBot, db_path: Path, kb: KnowledgeBase
) -> None:
    with Repository.open(db_path, kb) as repo:
        repo.create_patient("Backed Up", dt.date(1970, 1, 1), "female")
    assert _start(qtbot, db_path, kb) == "Start-up backup saved."
    assert _start(qtbot, db_path, kb) == (
        "No start-up backup needed: the last one is less than a day old."
    )
    assert len(backups(db_path, default_backup_dir(db_path))) == 1


def test_checks_stopped_before_they_run_take_no_backup_and_report_no_failure(
    qtbot: QtBot, db_path: Path, kb: KnowledgeBase
) -> None:
    with Repository.open(db_path, kb) as repo:
        repo.create_patient("Quitting", dt.date(1970, 1, 1), "female")
    checks = StartupChecks(db_path, check=True, backup_keep=3)
    failures: list[str] = []
    checks.backupFailed.connect(failures.append)
    checks.stop()  # the window closed at once
    checks.start()
    assert checks.wait(30)
    qtbot.waitUntil(lambda: checks.done)
    assert failures == [] and backups(db_path, default_backup_dir(db_path)) == []
