"""The window says "✔ Saved" when the disk confirmed the edit, even if the audit anchor cannot be
written (tests/storage/test_anchor_unwritable.py): never "Changes not confirmed by the disk"."""

from __future__ import annotations

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from desktop_app.gui.main_window import MainWindow
from desktop_app.storage import anchor, audit
from desktop_app.storage.autosave import unsynced_commits
from tests.gui.conftest import Recorder
from tests.gui.flows import activate, create_patient, start_visit
from tests.storage.test_anchor_unwritable import unwritable


def test_saved_although_the_anchor_cannot_be_written(
    qtbot: QtBot, window: MainWindow, warnings_shown: Recorder
) -> None:
    create_patient(window, "Anchor Disk", QDate(1980, 1, 1))
    start_visit(window, ["gluteal_depression"])
    activate(qtbot, window)
    editor, repo = window.editor, window.ops.repo
    assert editor.visit is not None
    with unsynced_commits(repo):  # an edit committed, its sync not yet run: pending
        repo.save_answer(editor.visit.id, "injection_history", "no")
    found = anchor.read(repo.path)
    assert found is not None and found.pending == anchor.Head(*audit.head(repo.db))
    with unwritable(anchor.anchor_file(repo.path)):  # then the anchors' disk goes read-only
        editor.history.rows["injection_history"].input.buttons.buttons["yes"].click()
        assert editor.saved.text() == "Saving…"
        qtbot.waitUntil(lambda: editor.saved.text() != "Saving…")
        assert editor.saved.text().startswith("✔ Saved"), editor.saved.text()
        assert warnings_shown.calls == []
    answers = repo.get_visit(editor.visit.id).observations.answers
    assert answers["injection_history"] == "yes"
