"""The live differential: ranked conditions with findings for and against, and the next best tests.

Rows are created once per condition and updated in place, so a refresh after one click costs a few
label updates rather than a rebuild.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.diagnosis import AppliedFinding, ConditionResult, Differential, NextTest
from desktop_app.core.knowledge_base import KnowledgeBase
from desktop_app.gui.widgets import heading, hint, named

URGENCY_STYLE = {"emergency": "#b00020", "urgent": "#c25e00", "routine": "#4a5a6a"}
NEXT_TESTS = 3
LIVE_NOTE = (
    "Updates as you record findings. Probabilities are independent estimates, not shares of 100 %."
)
SNAPSHOT_NOTE = "As shown when the visit was signed; later knowledge-base changes do not alter it."
SHOWN_CONDITIONS = 8  # the rest behind "Show more", so the leaders stay in view


def _findings(findings: tuple[AppliedFinding, ...], sign: str) -> str:
    return "".join(
        f"<br>{sign} {escape(f.label)} <span style='color:#777'>(×{f.lr:.2g}"
        f"{', estimate' if f.estimate else ''})</span>"
        for f in findings
    )


class ElidedButton(QPushButton):
    """A button whose long label is shortened to its width (the full text is in the tooltip)."""

    def __init__(self) -> None:
        super().__init__()
        self.full_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self._elide()

    def _elide(self) -> None:
        width = self.width() - 24  # the style's padding
        self.setText(
            self.fontMetrics().elidedText(
                self.full_text, Qt.TextElideMode.ElideRight, max(width, 40)
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()


class ConditionRow(QFrame):
    """Name, probability bar and findings of one ranked condition."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("conditionRow")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setObjectName("hint")
        for widget in (self.title, self.bar, self.details):
            layout.addWidget(widget)
        self._shown: ConditionResult | None = None

    def show_result(self, rank: int, result: ConditionResult) -> None:
        if result == self._shown and self.property("rank") == rank:
            return
        self._shown = result
        self.setProperty("rank", rank)
        colour = URGENCY_STYLE.get(result.urgency, "#333")
        weight = "700" if rank == 0 else "500"
        badge = (
            ""
            if result.urgency == "routine"
            else f" <span style='color:{colour}'>[{result.urgency}]</span>"
        )
        self.title.setText(
            f"<span style='font-weight:{weight}'>{result.posterior:.0%} · {escape(result.name)}"
            f"</span>{badge}"
        )
        self.bar.setValue(round(result.posterior * 1000))
        details = f"Pre-test {result.prior:.0%}"
        details += _findings(result.supporting, "+") + _findings(result.opposing, "−")
        self.details.setText(details)


class DifferentialPanel(QWidget):
    """Emits `nextTestChosen(kind, item_id)` when a suggested test is clicked."""

    nextTestChosen = Signal(str, str)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("differentialPanel")
        layout = QVBoxLayout(self)
        self.next_title = heading("Next best test", level=2)
        layout.addWidget(self.next_title)
        self.next_buttons: list[ElidedButton] = []
        self._next: list[NextTest] = []
        for n in range(NEXT_TESTS):
            button = named(ElidedButton(), f"Next best test {n + 1}")
            button.setObjectName("nextTest")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, n=n: self._chosen(n))
            layout.addWidget(button)
            self.next_buttons.append(button)
        self.no_next = hint("No untested item would separate the leading conditions.")
        layout.addWidget(self.no_next)
        self.title = heading("Differential")
        layout.addWidget(self.title)
        self.note = hint(LIVE_NOTE)
        layout.addWidget(self.note)
        self.rows = [ConditionRow() for _ in kb.conditions]
        for row in self.rows:
            layout.addWidget(row)
        self.more = named(QPushButton(), "Show or hide the less likely conditions")
        self.more.setObjectName("linkButton")
        self.more.setCheckable(True)
        self.more.setAutoDefault(False)
        self.more.toggled.connect(self._show_rows)
        layout.addWidget(self.more)
        layout.addStretch(1)
        self._count = 0

    def show_differential(self, differential: Differential, snapshot: bool = False) -> None:
        """Update rows and suggestions in place."""
        self.title.setText("Differential at signing" if snapshot else "Differential")
        self.note.setText(SNAPSHOT_NOTE if snapshot else LIVE_NOTE)
        for n, row in enumerate(self.rows[: len(differential.conditions)]):
            row.show_result(n, differential.conditions[n])
        self._count = len(differential.conditions)
        self._show_rows()
        self._next = list(differential.next_tests[:NEXT_TESTS])
        for n, button in enumerate(self.next_buttons):
            visible = n < len(self._next) and not snapshot
            if visible:
                test = self._next[n]
                text = f"→ {test.name}"
                if button.full_text != text:
                    button.set_full_text(text)
                    button.setToolTip(f"{test.name}\n{test.reason}")
                    button.setAccessibleName(f"Go to next best test: {test.name}")
            button.setVisible(visible)
        self.next_title.setVisible(not snapshot)
        self.no_next.setVisible(not self._next and not snapshot)

    def _show_rows(self) -> None:
        shown = self._count if self.more.isChecked() else min(self._count, SHOWN_CONDITIONS)
        for n, row in enumerate(self.rows):
            row.setVisible(n < shown)
        hidden = self._count - SHOWN_CONDITIONS
        self.more.setVisible(hidden > 0)
        self.more.setText("Show fewer" if self.more.isChecked() else f"Show {hidden} more")

    def _chosen(self, n: int) -> None:
        test = self._next[n]
        self.nextTestChosen.emit(test.kind, test.item_id)
