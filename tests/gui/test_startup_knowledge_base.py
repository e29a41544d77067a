"""The app's start reads the knowledge base after the first paint when the first screen needs
none (issue 17: on a first launch, with no cache yet, reading the YAML was ~0.5x a bare window
before the window showed). A knowledge base that cannot be loaded is still refused with its
file, entry and reason, and the window does not stay open."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app import paths
from desktop_app.app import App
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.application import KB_FAILED, open_window
from desktop_app.gui.preferences import app_settings
from desktop_app.storage.repository import Repository
from tests.gui.conftest import Recorder, wait_for_startup_checks


@pytest.fixture
def broken_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped knowledge base with one prompt given a key the schema does not know."""
    folder = tmp_path / "knowledge_base"
    shutil.copytree(paths.KNOWLEDGE_BASE, folder)
    prompts = folder / "prompts.yaml"
    prompts.write_text(
        prompts.read_text(encoding="utf-8").replace("- id: ", "- bogus_key: 1\n  id: ", 1),
        encoding="utf-8",
    )
    monkeypatch.setattr(paths, "KNOWLEDGE_BASE", folder)
    return folder


def test_a_first_launch_shows_its_window_before_reading_the_knowledge_base(
    qtbot: QtBot, db_path: Path
) -> None:
    root = App(db=db_path)
    window = open_window(root, reopen_after_paint=True)
    assert window is not None
    qtbot.addWidget(window)
    assert root.kb is None  # the new database's welcome screen is built without it
    assert window.isVisible() and window.stack.currentWidget() is window.welcome
    qtbot.waitUntil(lambda: root.kb is not None)  # read right after the first paint
    assert window.isVisible() and window.ops.kb is root.kb and window.ops.repo.kb is root.kb
    window.close()
    wait_for_startup_checks(qtbot, window)


def test_a_knowledge_base_that_fails_after_the_paint_closes_the_window_with_its_reason(
    qtbot: QtBot, db_path: Path, broken_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown, exits = Recorder(), []
    monkeypatch.setattr(QMessageBox, "critical", shown)
    monkeypatch.setattr(QApplication, "exit", lambda code=0: exits.append(code))
    window = open_window(App(db=db_path), reopen_after_paint=True)
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(shown.calls))
    assert len(shown.calls) == 1, shown.calls
    [(title, text)] = shown.calls
    assert title == KB_FAILED
    assert "prompts.yaml" in text and "bogus_key" in text and "Traceback" not in text
    assert not window.isVisible() and exits == [2]
    wait_for_startup_checks(qtbot, window)


def test_a_returning_users_page_needs_the_knowledge_base_so_a_broken_one_opens_no_window(
    qapp: object,
    db_path: Path,
    kb: KnowledgeBase,
    broken_kb: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Repository.open(db_path, kb) as repo:
        patient = repo.create_patient("Una Returning", dt.date(1980, 5, 6), "female")
    store = app_settings()
    store.setValue("last_patient", patient.id)
    store.sync()
    shown = Recorder()
    monkeypatch.setattr(QMessageBox, "critical", shown)
    assert open_window(App(db=db_path), reopen_after_paint=True) is None
    [(title, text)] = shown.calls
    assert title == KB_FAILED and "prompts.yaml" in text
