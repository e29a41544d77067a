"""Tab follows the form: header, complaints, the section shown, then the differential; no traps."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_editor import TABS
from tests.gui.flows import activate, create_patient, start_visit


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def tab_round(qtbot: QtBot, start: QWidget, key: Qt.Key = Qt.Key.Key_Tab) -> list[QWidget]:
    """Press Tab from start until focus comes back to it; every press must move the focus."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(start.hasFocus)
    seen = [start]
    modifier = (
        Qt.KeyboardModifier.ShiftModifier if key == Qt.Key.Key_Backtab else Qt.KeyboardModifier(0)
    )
    for _ in range(2000):
        qtbot.keyClick(focused(), key, modifier)
        widget = focused()
        assert widget is not seen[-1], f"Tab is trapped in {widget.accessibleName()!r}"
        if widget is start:
            return seen
        assert widget not in seen, f"Tab circles back to {widget.accessibleName()!r}, not out"
        seen.append(widget)
    raise AssertionError("Tab never came back to where it started")


def first_index(order: list[QWidget], widgets: list[QWidget]) -> int:
    return min(order.index(w) for w in widgets if w in order)


def test_tab_visits_the_form_before_the_differential_and_every_field_once(
    qtbot: QtBot, window: MainWindow
) -> None:
    create_patient(window, "Tab Tester", QDate(1974, 3, 14))
    start_visit(window, list(window.ops.kb.presentations))
    activate(qtbot, window)
    editor = window.editor
    editor.tabs.setCurrentIndex(TABS.index("History"))
    order = tab_round(qtbot, editor.back)
    assert len(order) == len(set(order))  # no widget twice in one round

    rows = [r for r in editor.history.rows.values() if r.isVisible()]
    history = [r.input.focus_target() for r in rows]
    panel = [b for b in editor.panel.next_buttons if b.isVisible()]
    complaints = list(editor.presentation_boxes.values())
    assert all(w in order for w in history), "a shown question Tab never reaches"
    assert order.index(complaints[-1]) < first_index(order, history)
    assert max(order.index(w) for w in history) < first_index(order, panel)
    # Header, complaints and tab bar come first; from the tab bar Tab enters the questions.
    bar = order.index(editor.tabs.tabBar())
    assert order[bar + 1] is history[0]
    assert order.index(window.search) > first_index(order, panel)  # then the patient list

    back = tab_round(qtbot, editor.back, Qt.Key.Key_Backtab)
    assert back[1:] == order[1:][::-1]  # Shift+Tab walks the same way back


def test_tab_reaches_the_examination_fields_in_their_tab(qtbot: QtBot, window: MainWindow) -> None:
    create_patient(window, "Tab Tester", QDate(1974, 3, 14))
    start_visit(window, list(window.ops.kb.presentations))
    activate(qtbot, window)
    editor = window.editor
    editor.tabs.setCurrentIndex(TABS.index("Examination"))
    order = tab_round(qtbot, editor.back)
    exam = [row.sides[next(iter(row.sides))].focus_target() for row in editor.exam.rows.values()]
    assert all(w in order for w in exam)
    panel = [b for b in editor.panel.next_buttons if b.isVisible()]
    assert max(order.index(w) for w in exam) < first_index(order, panel)
    assert not any(r.input.focus_target() in order for r in editor.history.rows.values())
