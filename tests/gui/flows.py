"""User steps shared by GUI tests: they drive the real dialogs and widgets."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.gui.dialogs import PatientDialog
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_dialog import VisitDialog
from tests.gui.conftest import answer_dialog, press_ok


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isEnabled() and button.isVisible(), button.accessibleName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Select what the field shows, type over it and press Tab, as a user does."""
    assert edit.isVisible(), edit.accessibleName()
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Offscreen there is no window manager to re-activate the window after a dialog closes."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def create_patient(window: MainWindow, name: str, born: QDate) -> None:
    def fill(dialog: PatientDialog) -> None:
        dialog.name.setText(name)
        dialog.date_of_birth.setDate(born)
        press_ok(dialog)

    seen = answer_dialog(PatientDialog, fill)
    window.new_patient()
    assert seen, "the new-patient dialog did not open"


def start_visit(window: MainWindow, presentations: list[str]) -> None:
    def fill(dialog: VisitDialog) -> None:
        for pid in presentations:
            dialog.presentations[pid].setChecked(True)
        press_ok(dialog)

    seen = answer_dialog(VisitDialog, fill)
    window.new_visit()
    assert seen, "the new-visit dialog did not open"
