"""Any screen: the window fits 1366x768 at 200 %, the differential folds away, headings once."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_app.gui.main_window import MainWindow
from tests.gui.flows import activate, create_patient, start_visit

# 1366x768 at 200 % is 683x384 logical pixels; a title bar and a task bar take some of it.
SMALLEST = (683, 384 - 60)


def open_full_visit(window: MainWindow) -> None:
    create_patient(window, "Zoë Łukasiewicz-Wiśniewska", QDate(1974, 3, 14))
    start_visit(window, list(window.ops.kb.presentations))


def test_the_window_fits_the_smallest_screen_with_a_visit_open(window: MainWindow) -> None:
    open_full_visit(window)
    for page in (window.editor, window.page):
        window.stack.setCurrentWidget(page)
        needed = window.minimumSizeHint().expandedTo(window.minimumSize())
        assert needed.width() <= SMALLEST[0] and needed.height() <= SMALLEST[1], needed
    window.stack.setCurrentWidget(window.editor)
    window.resize(*SMALLEST)
    editor = window.editor
    for button in (editor.sign_button, editor.export_button, editor.panel_button):
        assert button.isVisible() and editor.rect().contains(button.geometry().center())


def test_the_differential_folds_away_and_back(qtbot: QtBot, window: MainWindow) -> None:
    open_full_visit(window)
    activate(qtbot, window)
    editor = window.editor
    assert editor.side.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert not editor.side.isVisible() and not editor.panel_button.isChecked()
    qtbot.mouseClick(editor.panel_button, Qt.MouseButton.LeftButton)
    assert editor.side.isVisible()


def test_each_history_topic_has_one_heading(window: MainWindow) -> None:
    open_full_visit(window)
    headings = [
        label.text()
        for label in window.editor.history.findChildren(QLabel)
        if label.objectName() == "subheading"
    ]
    assert headings and Counter(headings).most_common(1)[0][1] == 1
