"""The History and Examination forms end below their last question, not thousands of px later.

Review R5: at 1400x900 the History form was 20,598 px tall and its last question ended at
10,181 px, so the user scrolled through ~10,000 px of nothing.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFrame, QScrollArea
from pytestqt.qtbot import QtBot

from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_editor import TABS
from tests.gui.flows import activate, create_patient, start_visit

BLANK_AT_MOST = 200  # px below the last row: the form's margin, never a screenful


@pytest.mark.parametrize("tab", ["History", "Examination"])
def test_the_form_ends_below_its_last_row(qtbot: QtBot, window: MainWindow, tab: str) -> None:
    assert (window.width(), window.height()) == (1400, 900)
    create_patient(window, "Blank Tester", QDate(1980, 1, 1))
    start_visit(window, ["buttock_pain"])
    activate(qtbot, window)
    editor = window.editor
    editor.tabs.setCurrentIndex(TABS.index(tab))
    area = editor.tabs.currentWidget()
    assert isinstance(area, QScrollArea)
    form = editor.history if tab == "History" else editor.exam
    assert area.widget() is form
    qtbot.waitUntil(lambda: form.isVisible())
    rows = [row for row in form.findChildren(QFrame, "promptRow") if row.isVisible()]
    assert len(rows) > 20  # a full form, not an empty one
    last = max(row.geometry().bottom() for row in rows)
    assert last > area.viewport().height()  # the form does scroll
    assert form.height() - last < BLANK_AT_MOST
    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    assert max(row.visibleRegion().boundingRect().height() for row in rows) > 0  # rows in view
