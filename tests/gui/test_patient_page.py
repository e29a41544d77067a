"""The patient page's visit table: columns as wide as their widest text, the last one stretched."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.trend_chart import TrendChart
from desktop_app.gui.widgets import local_date
from tests.gui.flows import create_patient

COMPLAINT = "buttock_pain"


def test_columns_fit_the_widest_text_of_any_row(window: MainWindow) -> None:
    """The widths are Qt's resizeColumnsToContents widths, though only the widest text of
    each column is measured; the oldest visit's type ("Initial assessment", the last row) shows
    whole, and the charts word each date as the table does."""
    create_patient(window, "Many Visits", QDate(1980, 1, 1))
    assert window.patient is not None
    repo = window.ops.repo
    first = dt.date(2024, 1, 1)
    for n in range(30):
        kind = "follow_up" if n else "initial"
        visit = repo.create_visit(
            window.patient.id, kind, [COMPLAINT], visit_date=first + dt.timedelta(days=n)
        )
        repo.save_measure(visit.id, "nprs", {"current": n % 11})
    window.show_patient(window.patient.id)
    table, rows = window.page.table, window.page.rows
    assert rows.text(rows.rowCount() - 1, 1) == "Initial assessment"
    fitted = [table.columnWidth(c) for c in range(3)]
    table.resizeColumnsToContents()  # Qt measures every cell (30 rows: within its precision)
    assert fitted == [table.columnWidth(c) for c in range(3)]
    metrics = table.fontMetrics()
    assert fitted[1] > metrics.horizontalAdvance("Initial assessment")
    [chart] = window.page.trends.findChildren(TrendChart)
    dates = [rows.text(r, 0) for r in reversed(range(rows.rowCount()))]
    assert chart.toolTip().startswith(f"{chart.measure.name}: {dates[0]} 0, {dates[1]} 1, ")


def test_a_visit_opens_from_its_row_by_keyboard_and_by_double_click(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The rows come from the repository, newest first; Return or a double click on a row opens
    that visit in the editor."""
    create_patient(window, "Three Visits", QDate(1975, 6, 1))
    assert window.patient is not None
    repo = window.ops.repo
    first = dt.date(2024, 3, 1)
    for n in range(3):
        repo.create_visit(
            window.patient.id,
            "follow_up" if n else "initial",
            [COMPLAINT],
            visit_date=first + dt.timedelta(days=7 * n),
        )
    window.show_patient(window.patient.id)
    stored = repo.list_visits(window.patient.id)
    table, rows = window.page.table, window.page.rows
    assert [rows.text(r, 0) for r in range(rows.rowCount())] == [
        local_date(v.visit_date) for v in stored
    ]
    assert not table.selectionModel().hasSelection()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)  # the first row becomes current
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.editor
    assert window.editor.visit.id == stored[1].id
    window.show_patient_page()
    oldest = rows.index(rows.rowCount() - 1, 1)
    table.scrollTo(oldest)
    where = table.visualRect(oldest).center()
    # A double click as Qt receives it: press and release, then the double-click event.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert window.editor.visit.id == stored[-1].id
    assert window.editor.visit.visit_type == "initial"
