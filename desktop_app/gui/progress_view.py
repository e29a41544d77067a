"""The visit's "Since last visit" tab: each measure then and now, the findings to re-test."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.follow_up import Progress, Retest
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.measures import change_words, format_score
from desktop_app.core.observations import SIDES
from desktop_app.core.wording import SIDE_NAMES, visit_type_name
from desktop_app.export.wording import result_text
from desktop_app.gui.widgets import heading, hint, local_date, named

NOT_YET = "not re-tested yet"


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = named(QTableWidget(0, len(headers)), name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.setWordWrap(True)
    return table


class ProgressView(QWidget):
    """Emits `retestRequested(item_id)` (go to the test) and `confirmRequested(item, side, value)`
    (today's result is the same as last time: the clinician says so, it is never assumed)."""

    retestRequested = Signal(str)
    confirmRequested = Signal(str, str, object)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None):
        super().__init__(parent)
        self.kb = kb
        layout = QVBoxLayout(self)
        self.title = heading("Since last visit")
        self.summary = hint("")
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(heading("Outcome measures", level=2))
        self.measures = _table(
            "Outcome measures since last visit", ["Measure", "Last visit", "Today", "Change"]
        )
        layout.addWidget(self.measures)
        layout.addWidget(heading("Findings to re-test", level=2))
        layout.addWidget(
            hint(
                "Last visit's positive tests and measurements. Re-test each one, or record that "
                "today's result is the same; nothing is copied without you."
            )
        )
        self.findings = _table(
            "Findings of the last visit to re-test", ["Test", "Side", "Last visit", "Today", ""]
        )
        layout.addWidget(self.findings)
        layout.addWidget(heading("Last visit's plan", level=2))
        self.plan = hint("")
        layout.addWidget(self.plan)
        layout.addStretch(1)

    def show_progress(self, progress: Progress | None, editable: bool) -> None:
        if progress is None:
            self.summary.setText("This is the patient's first visit: there is nothing to compare.")
            for part in (self.measures, self.findings):
                part.setRowCount(0)
            self.plan.setText("—")
            return
        self.summary.setText(
            f"Compared with the {visit_type_name(progress.previous_type).lower()} of "
            f"{local_date(progress.previous_date)}."
        )
        self._show_measures(progress)
        self._show_findings(progress.findings, editable)
        self.plan.setText(progress.previous_plan or "No plan was recorded.")

    def _show_measures(self, progress: Progress) -> None:
        self.measures.setRowCount(len(progress.measures))
        for row, line in enumerate(progress.measures):
            measure = self.kb.measures[line.measure_id]
            moved = "—"
            if line.change is not None:
                moved = change_words(measure, line.change)
            cells = (
                measure.name,
                "—" if line.previous is None else format_score(line.previous),
                "not scored yet" if line.current is None else format_score(line.current),
                moved,
            )
            for column, text in enumerate(cells):
                self.measures.setItem(row, column, QTableWidgetItem(text))
        if not progress.measures:
            self.measures.setRowCount(1)
            self.measures.setItem(
                0, 0, QTableWidgetItem("No outcome measure scored at either visit")
            )
        self.measures.resizeColumnsToContents()
        self.measures.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _show_findings(self, findings: tuple[Retest, ...], editable: bool) -> None:
        for row in range(self.findings.rowCount()):  # Qt deletes replaced buttons later: hide now
            old = self.findings.cellWidget(row, 4)
            if old is not None:
                old.hide()
        self.findings.setRowCount(0)
        self.findings.setRowCount(len(findings))
        for row, found in enumerate(findings):
            item = self.kb.exam_items[found.item_id]
            side = SIDE_NAMES.get(found.side, found.side) if found.side in SIDES else "—"
            today = NOT_YET if found.today is None else result_text(item, found.today)
            cells = (item.name, side, result_text(item, found.last), today)
            for column, text in enumerate(cells):
                self.findings.setItem(row, column, QTableWidgetItem(text))
            self.findings.setCellWidget(row, 4, self._actions(found, item.name, editable))
        if not findings:
            self.findings.setRowCount(1)
            self.findings.setItem(0, 0, QTableWidgetItem("No positive findings last time"))
        self.findings.resizeColumnsToContents()
        self.findings.resizeRowsToContents()
        self.findings.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _actions(self, found: Retest, name: str, editable: bool) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(2, 0, 2, 0)
        retest = named(QPushButton("Re-test…"), f"Re-test {name}")
        retest.clicked.connect(partial(self.retestRequested.emit, found.item_id))
        same = named(QPushButton("Same as last visit"), f"{name}: same as last visit")
        same.clicked.connect(
            partial(self.confirmRequested.emit, found.item_id, found.side, found.last)
        )
        for button in (retest, same):
            button.setAutoDefault(False)
            button.setEnabled(editable)
            row.addWidget(button)
        same.setVisible(found.today is None)
        if found.today is not None:
            row.addWidget(QLabel("✔ recorded"))
        return box
