"""A visit driven by the keyboard alone: shortcuts, Tab, Space and Enter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.dialogs import PatientDialog
from desktop_app.gui.fields import date_format
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_dialog import VisitDialog
from tests.gui.conftest import answer_dialog
from tests.gui.flows import activate

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def tab_to(qtbot: QtBot, target: QWidget, limit: int = 200) -> None:
    """Press Tab until the target has focus (fails if it is not in the tab chain)."""
    for _ in range(limit):
        if focused() is target:
            return
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target.accessibleName()}")


def test_keyboard_path_through_a_visit(
    qtbot: QtBot,
    window: MainWindow,
    kb: KnowledgeBase,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    activate(qtbot, window)

    # Ctrl+N, type the name, Tab, type the date of birth as the locale writes it, Enter.
    def type_patient(dialog: PatientDialog) -> None:
        assert focused() is dialog.name
        qtbot.keyClicks(dialog.name, "Keyboard Kate")
        qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)
        assert focused() is dialog.date_of_birth.edit
        qtbot.keyClicks(focused(), QLocale().toString(QDate(1974, 3, 14), date_format()))
        qtbot.keyClick(focused(), Qt.Key.Key_Return)

    seen = answer_dialog(PatientDialog, type_patient)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    assert seen and window.page.name.text() == "Keyboard Kate"
    assert window.ops.repo.search_patients("kate")[0].date_of_birth == dt.date(1974, 3, 14)
    activate(qtbot, window)

    # Ctrl+Shift+N: Tab to the first complaint, Space, Enter.
    first = next(iter(kb.presentations))

    def choose_complaint(dialog: VisitDialog) -> None:
        tab_to(qtbot, dialog.presentations[first])
        qtbot.keyClick(focused(), Qt.Key.Key_Space)
        qtbot.keyClick(focused(), Qt.Key.Key_Return)

    seen = answer_dialog(VisitDialog, choose_complaint)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL | SHIFT)
    assert seen
    activate(qtbot, window)
    editor = window.editor
    assert window.stack.currentWidget() is editor
    visit_id = editor.visit.id

    # Tab to the next best test, Enter goes to the item, Space records its first option.
    suggestion = editor.differential.next_tests[0]
    editor.back.setFocus()
    tab_to(qtbot, editor.panel.next_buttons[0])
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    target = focused()
    qtbot.keyClick(target, Qt.Key.Key_Space)
    obs = window.ops.repo.get_visit(visit_id).observations
    assert obs.is_recorded(suggestion.kind, suggestion.item_id)

    # Plan: type, undo with Ctrl+Z, redo with Ctrl+Shift+Z; focus-out saves at once.
    editor.tabs.setCurrentIndex(editor.tabs.count() - 1)
    editor.plan.edit.setFocus()
    qtbot.keyClicks(editor.plan.edit, "Home exercises")
    qtbot.keyClick(editor.plan.edit, Qt.Key.Key_Z, CTRL)
    assert editor.plan.edit.toPlainText() == ""
    qtbot.keyClick(editor.plan.edit, Qt.Key.Key_Z, CTRL | SHIFT)
    assert editor.plan.edit.toPlainText() == "Home exercises"
    qtbot.keyClick(editor.plan.edit, Qt.Key.Key_Tab)
    assert window.ops.repo.get_visit(visit_id).plan == "Home exercises"

    # Ctrl+S says everything is saved; Ctrl+E exports; Ctrl+F jumps to the search.
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL)
    assert "saved automatically" in window.statusBar().currentMessage()
    out = tmp_path / "summary.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.keyClick(window, Qt.Key.Key_E, CTRL)
    job = window.export_job
    assert job is not None
    qtbot.waitUntil(lambda: job.ended, timeout=60_000)  # written off the GUI thread
    assert out.read_bytes().startswith(b"%PDF")
    assert window.store.value("export_dir") == str(tmp_path)  # offered first next time
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert focused() is window.search
    qtbot.keyClicks(window.search, "kate")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.page
