"""The window's autosave moves the audit anchor only once the disk confirmed the edit.

The disk-sync worker promotes the pending head (storage/anchor.py), so "✔ Saved" and the anchor
agree; a power cut before that point is no tamper alarm (tests/storage/test_anchor_power_cut.py).
"""

from __future__ import annotations

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from desktop_app.gui.main_window import MainWindow
from desktop_app.storage import anchor, audit
from tests.gui.flows import activate, create_patient, start_visit


def test_saved_means_the_anchor_names_the_edit(qtbot: QtBot, window: MainWindow) -> None:
    create_patient(window, "Anchor Tester", QDate(1980, 1, 1))
    start_visit(window, ["gluteal_depression"])
    activate(qtbot, window)
    editor, repo = window.editor, window.ops.repo
    for value in ("yes", "no", "yes"):
        editor.history.rows["injection_history"].input.buttons.buttons[value].click()
        committed = anchor.Head(*audit.head(repo.db))
        qtbot.waitUntil(lambda: editor.saved.text().startswith("✔ Saved"))
        found = anchor.read(repo.path)
        assert found is not None and found.head == committed and found.pending is None
