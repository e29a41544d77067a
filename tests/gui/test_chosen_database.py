"""The database chosen in Settings is the one every command acts on, not the default one."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFileDialog, QPushButton
from pytestqt.qtbot import QtBot

from desktop_app import paths
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.settings_dialog import SettingsDialog
from tests.export.pdf_reading import text
from tests.gui.conftest import Recorder, answer_dialog, wait_for_startup_checks
from tests.gui.flows import create_patient, start_visit
from tests.storage.helpers import table_contents


def command(*args: str) -> subprocess.CompletedProcess[str]:
    """`python main.py ARGS` with no --db, in this test's user data directory (XDG_DATA_HOME)."""
    return subprocess.run(
        [sys.executable, str(paths.PROJECT_ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_backup_verify_export_and_restore_act_on_the_database_chosen_in_settings(
    qtbot: QtBot,
    open_app: Callable[[], MainWindow],
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    yes: Recorder,
) -> None:
    window = open_app()
    create_patient(window, "Chosen File", QDate(1971, 7, 7))
    start_visit(window, ["buttock_pain"])
    visit_id = window.editor.visit.id
    window.sign_visit()
    assert window.ops.repo.get_visit(visit_id).is_signed

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(db_path), ""))

    def choose(dialog: SettingsDialog) -> None:
        next(b for b in dialog.findChildren(QPushButton) if "another" in b.text()).click()
        dialog.reject()

    answer_dialog(SettingsDialog, choose)
    window.open_settings()
    wait_for_startup_checks(qtbot, window)
    window.close()  # the commands need the writer lock
    default = paths.default_database()
    assert default != db_path and not default.exists()

    backup = tmp_path / "copies" / "backup.sqlite3"
    done = command("backup", "--out", str(backup))
    assert done.returncode == 0, done.stderr
    assert str(db_path) in done.stdout
    assert table_contents(backup) == table_contents(db_path)

    verified = command("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"{db_path} is intact" in verified.stdout and "1 signed visits" in verified.stdout

    pdf = tmp_path / "summary.pdf"
    exported = command("export-pdf", "--visit", str(visit_id), "--out", str(pdf))
    assert exported.returncode == 0, exported.stderr
    assert "Chosen File" in text(pdf)

    restored = command("restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert f"Restored {db_path}" in restored.stdout
    assert not default.exists()
