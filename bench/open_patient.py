"""Open a patient with 200 visits in the main window and show the visit list."""

from __future__ import annotations

from bench.harness import Context, Goal, Result, interleaved_medians
from bench.workspace import knowledge_base, open_repository, patient_with_visits

GOAL = Goal(max_value=100.0)
VISITS = 200
FLOOR_IS = (
    f"sqlite3 SELECT of the {VISITS} visit rows, then a bare QTableWidget filled with them "
    "(4 columns) and painted"
)
VISIT_ROWS = (
    "SELECT visit_date, visit_type, status, leading_condition FROM visits "
    "WHERE patient_id = ? ORDER BY visit_date DESC, id DESC"
)


def measure(ctx: Context) -> list[Result]:
    """Median of MainWindow.show_patient + paint, another patient shown in between."""
    import sqlite3

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

    from bench.gui_driver import application, settle, shown
    from desktop_app.gui.main_window import MainWindow
    from desktop_app.gui.operations import Operations

    application()
    kb = knowledge_base()
    path = ctx.work_dir / "open-patient.sqlite3"
    repo = open_repository(path, kb)
    try:
        many = patient_with_visits(repo, VISITS)
        other = patient_with_visits(repo, 1)
        settings = QSettings(str(ctx.work_dir / "gui.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Operations(repo, kb), settings)
        window.show()
        settle()
        raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        table = QTableWidget(0, 4)
        floor_window = shown(table)

        def floor() -> None:
            rows = raw.execute(VISIT_ROWS, [many]).fetchall()
            table.setRowCount(len(rows))
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.setItem(r, c, QTableWidgetItem(str(text)))
            settle()

        def app() -> None:
            window.show_patient(many)
            settle()

        repeats = ctx.repeats(30)
        floor_ms, app_ms = interleaved_medians(
            floor,
            app,
            repeats,
            before_floor=lambda: (table.setRowCount(0), settle()),
            before_app=lambda: (window.show_patient(other), settle()),
        )
        shown_rows = window.page.table.rowCount()
        if shown_rows != VISITS:
            raise RuntimeError(f"the visit list shows {shown_rows} rows, not {VISITS}")
        raw.close()
        for each in (window, floor_window):
            each.close()
            each.deleteLater()
        settle()
    finally:
        repo.close()
    note = (
        "MainWindow.show_patient() (patient page: details, visit table, outcome-measure trend "
        "charts) until painted; a one-visit patient is shown between runs."
    )
    return [
        Result(
            f"Open a patient with {VISITS} visits",
            "ms",
            repeats,
            GOAL,
            app_ms,
            floor_ms,
            FLOOR_IS,
            note,
        )
    ]
