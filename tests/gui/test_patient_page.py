"""The patient page's visit table: columns as wide as their widest text, the last one stretched."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate

from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.trend_chart import TrendChart
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
    table = window.page.table
    assert table.item(table.rowCount() - 1, 1).text() == "Initial assessment"
    fitted = [table.columnWidth(c) for c in range(3)]
    table.resizeColumnsToContents()  # Qt measures every cell (30 rows: within its precision)
    assert fitted == [table.columnWidth(c) for c in range(3)]
    metrics = table.fontMetrics()
    assert fitted[1] > metrics.horizontalAdvance("Initial assessment")
    [chart] = window.page.trends.findChildren(TrendChart)
    dates = [table.item(r, 0).text() for r in reversed(range(table.rowCount()))]
    assert chart.toolTip().startswith(f"{chart.measure.name}: {dates[0]} 0, {dates[1]} 1, ")
