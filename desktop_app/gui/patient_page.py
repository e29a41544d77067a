"""A patient's page: details, visit history and each outcome measure's trend."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.records import Patient
from desktop_app.core.wording import visit_type_name
from desktop_app.gui.operations import Operations
from desktop_app.gui.trend_chart import CHART_MIN_WIDTH, TrendChart, widest_text
from desktop_app.gui.visit_rows import Row, VisitRows
from desktop_app.gui.widgets import clear_layout, heading, hint, local_date, named, scrolled


class PatientPage(QWidget):
    """Emits `visitOpened(visit_id)` and `newVisitRequested()`."""

    visitOpened = Signal(int)
    newVisitRequested = Signal()
    editRequested = Signal()

    def __init__(self, ops: Operations, parent: QWidget | None = None):
        super().__init__(parent)
        self.ops = ops
        self.patient: Patient | None = None
        # The whole page scrolls: its minimum height never adds to the window's (the stacked
        # pages' largest minimum is the window's, also while a visit is shown).
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        body = QWidget()
        area = scrolled(body)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer.addWidget(area)
        layout = QVBoxLayout(body)
        top = QHBoxLayout()
        self.name = heading("")
        self.details = QLabel()
        self.details.setObjectName("hint")
        self.details.setWordWrap(True)  # a long contact never widens the window
        names = QVBoxLayout()
        names.addWidget(self.name)
        names.addWidget(self.details)
        top.addLayout(names, 1)
        self.edit_details = named(
            QPushButton("Edit details…"), "Edit the patient's name, date of birth and details"
        )
        self.edit_details.setAutoDefault(False)
        self.edit_details.clicked.connect(self.editRequested)
        top.addWidget(self.edit_details, 0, Qt.AlignmentFlag.AlignTop)
        self.new_visit = named(QPushButton("New visit…"), "Start a new visit for this patient")
        self.new_visit.setObjectName("primary")
        self.new_visit.clicked.connect(self.newVisitRequested)
        top.addWidget(self.new_visit, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        layout.addWidget(heading("Visits", level=2))
        self.rows = VisitRows(self)
        self.table = named(QTableView(), "Visit history")
        self.table.setModel(self.rows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(6 * self.table.verticalHeader().defaultSectionSize())
        self.table.activated.connect(lambda index: self._open(index.row()))
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        layout.addWidget(self.table, 1)
        self.empty = hint(
            "No visits yet: click “New visit…” (Ctrl+Shift+N) to start the first one."
        )
        layout.addWidget(self.empty)
        layout.addWidget(heading("Outcome measures", level=2))
        self.trends = QWidget()
        self.trend_layout = QGridLayout(self.trends)
        self.trend_layout.setContentsMargins(0, 0, 0, 0)
        self.trend_layout.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.trends, 2)
        self._visit_ids: list[int] = []
        self._charts: list[TrendChart] = []
        self._columns = 0

    def show_patient(self, patient: Patient) -> None:
        """Fill the page from the database."""
        self.patient = patient
        self.name.setText(patient.name)
        age = patient.age_on(dt.date.today())
        parts = [
            f"Born {local_date(patient.date_of_birth)} ({age} years)",
            patient.sex.capitalize(),
        ]
        if patient.clinic_id:
            parts.append(f"Clinic ID {patient.clinic_id}")
        if patient.contact:
            parts.append(patient.contact)
        self.details.setText(" · ".join(parts))
        self.new_visit.setEnabled(not self.ops.repo.read_only)
        self.edit_details.setEnabled(not self.ops.repo.read_only)
        self.refresh()

    def refresh(self) -> None:
        if self.patient is None:
            return
        visits = self.ops.repo.list_visits(self.patient.id)
        worded: dict[dt.date, str] = {}  # each date worded once: in the table and every chart

        def date_text(day: dt.date) -> str:
            if day not in worded:
                worded[day] = local_date(day)
            return worded[day]

        rows = [
            (
                date_text(visit.visit_date),
                visit_type_name(visit.visit_type),
                "Signed" if visit.status == "signed" else "Draft",
                visit.leading_condition,
            )
            for visit in visits
        ]
        self._visit_ids = [v.id for v in visits]
        self.rows.set_rows(rows)  # a reset: no current row, nothing selected
        self._fit_columns(rows)
        self.empty.setVisible(not visits)
        clear_layout(self.trend_layout)
        self._charts = []
        histories = self.ops.repo.measure_histories(self.patient.id)
        for measure in self.ops.kb.measures.values():  # in the knowledge base's order
            history = histories.get(measure.id)
            if history:
                points = [(d, s) for d, _, s in history]
                self._charts.append(TrendChart(measure, points, date_text))
        self._columns = 0
        self._place_charts()
        if not self._charts:
            self.trend_layout.addWidget(
                hint("Scores appear here once an outcome measure is recorded.")
            )

    def _fit_columns(self, rows: list[Row]) -> None:
        """resizeColumnsToContents for the first three columns (the last one stretches), from
        the widest text of each column alone: Qt asks every cell of 1000 rows for its size."""
        table, header = self.table, self.table.horizontalHeader()
        metrics, font = table.fontMetrics(), table.font().key()
        grid = 1 if table.showGrid() else 0
        for c in range(3):
            width = header.sectionSizeHint(c)
            texts = {row[c]: r for r, row in enumerate(rows)}  # the last row of each text
            if texts:
                widest = max(texts, key=lambda text: widest_text(metrics, font, (text,)))
                index = self.rows.index(texts[widest], c)
                width = max(width, table.sizeHintForIndex(index).width() + grid)
            table.setColumnWidth(c, width)

    def _place_charts(self) -> None:
        """Two charts side by side when they fit at their minimum width, else one column."""
        room = self.width() - 2 * self.trend_layout.spacing() - 40
        columns = 2 if room >= 2 * CHART_MIN_WIDTH else 1
        if columns == self._columns:
            return
        self._columns = columns
        for chart in self._charts:
            self.trend_layout.removeWidget(chart)
        for n, chart in enumerate(self._charts):
            self.trend_layout.addWidget(chart, n // columns, n % columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_charts()

    def _open(self, row: int) -> None:
        if 0 <= row < len(self._visit_ids):
            self.visitOpened.emit(self._visit_ids[row])
