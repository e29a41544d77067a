"""Open a patient with 200 and 2000 visits (outcome measures scored: trend charts drawn)."""

from __future__ import annotations

import shutil
import statistics

from bench.fixtures import many_visits_database
from bench.harness import Context, Goal, Result, interleaved_samples, p95

GOAL = Goal(max_value=100.0)
SIZES = (200, 2000)
FLOOR_IS = (
    "sqlite3 SELECT of the visit rows and of the measure scores, then a bare QTableWidget "
    "filled with the visits (4 columns) and painted"
)
VISIT_ROWS = (
    "SELECT visit_date, visit_type, status, leading_condition FROM visits "
    "WHERE patient_id = ? ORDER BY visit_date DESC, id DESC"
)
SCORES = (
    "SELECT v.visit_date, m.measure_id, m.score FROM measure_results m "
    "JOIN visits v ON v.id = m.visit_id WHERE v.patient_id = ? ORDER BY v.visit_date"
)


def measure(ctx: Context) -> list[Result]:
    """Median and p95 of MainWindow.show_patient + paint, a one-visit patient shown between."""
    import sqlite3

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

    from bench.gui_driver import application, settle, shown
    from bench.workspace import knowledge_base, open_repository
    from desktop_app.gui.main_window import MainWindow
    from desktop_app.gui.operations import Operations

    application()
    kb = knowledge_base()
    cached, patients = many_visits_database(ctx)
    path = ctx.work_dir / "open-patient.sqlite3"
    shutil.copyfile(cached, path)
    repo = open_repository(path, kb)
    results = []
    try:
        settings = QSettings(str(ctx.work_dir / "gui.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Operations(repo, kb), settings)
        window.show()
        settle()
        raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        table = QTableWidget(0, 4)
        floor_window = shown(table)
        for size in SIZES:
            many = patients[size]

            def floor(many: int = many) -> None:
                rows = raw.execute(VISIT_ROWS, [many]).fetchall()
                raw.execute(SCORES, [many]).fetchall()
                table.setRowCount(len(rows))
                for r, row in enumerate(rows):
                    for c, text in enumerate(row):
                        table.setItem(r, c, QTableWidgetItem(str(text)))
                settle()

            def app(many: int = many) -> None:
                window.show_patient(many)
                settle()

            repeats = ctx.repeats(30 if size < 1000 else 10)
            floor_ms, app_ms = interleaved_samples(
                floor,
                app,
                repeats,
                before_floor=lambda: (table.setRowCount(0), settle()),
                before_app=lambda: (window.show_patient(patients[1]), settle()),
            )
            window.show_patient(many)
            settle()
            shown_rows = window.page.rows.rowCount()
            charts = window.page.trend_layout.count()
            if shown_rows != size or charts < 2:
                raise RuntimeError(f"the page shows {shown_rows} visits and {charts} charts")
            note = (
                "MainWindow.show_patient() (patient page: details, visit table, outcome-measure "
                f"trend charts: {charts}, one point per visit) until painted; a one-visit patient "
                "is shown between runs."
            )
            results.append(_result(size, repeats, floor_ms, app_ms, note))
        raw.close()
        for each in (window, floor_window):
            each.close()
            each.deleteLater()
        settle()
    finally:
        repo.close()
    return results


def _result(
    size: int, repeats: int, floor_ms: list[float], app_ms: list[float], note: str
) -> Result:
    return Result(
        f"Open a patient with {size} visits",
        "ms",
        repeats,
        GOAL,
        statistics.median(app_ms),
        statistics.median(floor_ms),
        FLOOR_IS,
        note,
        series="Open a patient (visits)",
        size=f"{size} visits",
        p95=p95(app_ms),
    )
