"""Starting the window on an encrypted database: the passphrase is asked, a wrong one says so and
asks again, the right one opens the records; cancelling opens nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from desktop_app.app import App
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.application import open_window
from desktop_app.storage import encryption
from desktop_app.storage.repository import Repository
from tests.gui.conftest import Recorder

pytest.importorskip("sqlcipher3")


@pytest.fixture
def encrypted(db_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(encryption.ENV, "the right one")
    with Repository.open(db_path, kb) as repo:
        repo.add_clinician("Dr Jane Roe", "Physiotherapist", "PH123456")
        repo.create_patient("Encrypted Patient", dt.date(1970, 1, 1), "female")
    monkeypatch.delenv(encryption.ENV)
    assert encryption.is_encrypted(db_path)
    yield db_path
    encryption.forget()


def test_the_window_asks_for_the_passphrase_until_it_opens_the_file(
    qtbot: QtBot,
    encrypted: Path,
    kb: KnowledgeBase,
    monkeypatch: pytest.MonkeyPatch,
    warnings_shown: Recorder,
) -> None:
    typed = iter([("wrong", True), ("the right one", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kw: next(typed))
    window = open_window(App(db=encrypted, kb=kb))
    assert window is not None
    qtbot.addWidget(window)
    assert [title for title, _ in warnings_shown.calls] == ["Wrong passphrase"]
    assert "no way to recover" in warnings_shown.calls[0][1]
    assert [p.name for p in window.ops.repo.search_patients("")] == ["Encrypted Patient"]
    window.close()
    qtbot.waitUntil(lambda: window.startup_checks is None or window.startup_checks.done)


def test_cancelling_the_passphrase_opens_nothing(
    encrypted: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kw: ("", False))
    assert open_window(App(db=encrypted, kb=kb)) is None
