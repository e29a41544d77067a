"""Starting the window on an encrypted database: the real passphrase dialog is typed into; a wrong
passphrase says so in the dialog and asks again, the right one opens the records; cancelling opens
nothing. "Remember on this computer" stores it in a real (file) keyring only when ticked, the next
start opens without asking, and without a usable keyring the box is disabled with the reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_app.app import App
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.application import open_window
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.passphrase_dialog import PassphraseDialog
from desktop_app.storage import encryption, keychain
from desktop_app.storage.repository import Repository
from tests.file_keyring import file_keyring, no_keyring

pytest.importorskip("sqlcipher3")
__all__ = ["file_keyring", "no_keyring"]  # fixtures
RIGHT = "the right one"


@pytest.fixture
def encrypted(db_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(encryption.ENV, RIGHT)
    with Repository.open(db_path, kb) as repo:
        repo.add_clinician("Dr Jane Roe", "Physiotherapist", "PH123456")
        repo.create_patient("Encrypted Patient", dt.date(1970, 1, 1), "female")
    monkeypatch.delenv(encryption.ENV)
    encryption.forget()
    assert encryption.is_encrypted(db_path)
    yield db_path
    encryption.forget()


def _when_asked(qtbot: QtBot, act: Callable[[PassphraseDialog], None]) -> list[PassphraseDialog]:
    """Run act on the passphrase dialog once it is shown (it is modal); the dialogs seen."""
    seen: list[PassphraseDialog] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PassphraseDialog):
            QTimer.singleShot(10, answer)
            return
        seen.append(dialog)
        act(dialog)

    QTimer.singleShot(0, answer)
    return seen


def _type(qtbot: QtBot, dialog: PassphraseDialog, text: str) -> None:
    dialog.field.clear()
    qtbot.keyClicks(dialog.field, text)
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)


def _close(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.addWidget(window)
    window.close()
    qtbot.waitUntil(lambda: window.startup_checks is None or window.startup_checks.done)


def test_a_wrong_passphrase_is_said_in_the_dialog_and_the_right_one_opens(
    qtbot: QtBot, encrypted: Path, kb: KnowledgeBase, no_keyring: None
) -> None:
    messages: list[str] = []

    def act(dialog: PassphraseDialog) -> None:
        assert not dialog.remember.isEnabled()  # no keyring here: said, not offered
        assert dialog.keyring_note.isVisibleTo(dialog)
        assert "no system keyring" in dialog.keyring_note.text()
        _type(qtbot, dialog, "wrong")
        messages.append(dialog.error.text())
        assert dialog.isVisible()  # still asking
        _type(qtbot, dialog, RIGHT)

    seen = _when_asked(qtbot, act)
    window = open_window(App(db=encrypted, kb=kb))
    assert window is not None and len(seen) == 1
    assert "no way to recover" in messages[0]
    assert [p.name for p in window.ops.repo.search_patients("")] == ["Encrypted Patient"]
    _close(qtbot, window)


def test_cancelling_the_passphrase_opens_nothing(
    qtbot: QtBot, encrypted: Path, kb: KnowledgeBase
) -> None:
    def act(dialog: PassphraseDialog) -> None:
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).click()

    _when_asked(qtbot, act)
    assert open_window(App(db=encrypted, kb=kb)) is None


def test_remember_on_this_computer_keeps_it_in_the_keyring_only_when_ticked(
    qtbot: QtBot, encrypted: Path, kb: KnowledgeBase, file_keyring: Path
) -> None:
    def without_ticking(dialog: PassphraseDialog) -> None:
        assert dialog.remember.isEnabled() and not dialog.remember.isChecked()
        _type(qtbot, dialog, RIGHT)

    _when_asked(qtbot, without_ticking)
    window = open_window(App(db=encrypted, kb=kb))
    assert window is not None
    _close(qtbot, window)
    assert keychain.recall(encrypted) is None  # not ticked: nothing stored
    encryption.forget()

    def ticking(dialog: PassphraseDialog) -> None:
        qtbot.mouseClick(dialog.remember, Qt.MouseButton.LeftButton)
        _type(qtbot, dialog, RIGHT)

    _when_asked(qtbot, ticking)
    window = open_window(App(db=encrypted, kb=kb))
    assert window is not None
    _close(qtbot, window)
    assert keychain.recall(encrypted) == RIGHT
    encryption.forget()

    seen = _when_asked(qtbot, lambda dialog: pytest.fail("asked although remembered"))
    window = open_window(App(db=encrypted, kb=kb))  # the next start: no dialog
    assert window is not None and seen == []
    assert [p.name for p in window.ops.repo.search_patients("")] == ["Encrypted Patient"]
    _close(qtbot, window)


def test_a_remembered_passphrase_that_no_longer_opens_it_is_asked_again(
    qtbot: QtBot, encrypted: Path, kb: KnowledgeBase, file_keyring: Path
) -> None:
    keychain.remember(encrypted, "an old passphrase")
    notes: list[str] = []

    def act(dialog: PassphraseDialog) -> None:
        notes.append(dialog.error.text())
        qtbot.mouseClick(dialog.remember, Qt.MouseButton.LeftButton)
        _type(qtbot, dialog, RIGHT)

    _when_asked(qtbot, act)
    window = open_window(App(db=encrypted, kb=kb))
    assert window is not None
    assert "no longer opens" in notes[0]
    assert keychain.recall(encrypted) == RIGHT  # ticked again: the remembered one replaced
    _close(qtbot, window)
