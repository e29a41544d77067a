"""The live differential: ranked conditions with findings for and against, and the next best tests.

Rows are created once per condition and updated in place, so a refresh after one click costs a few
label updates rather than a rebuild.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.diagnosis import AppliedFinding, ConditionResult, Differential, NextTest
from desktop_app.core.knowledge_base import KnowledgeBase
from desktop_app.gui.widgets import heading, hint, named

URGENCY_STYLE = {"emergency": "#b00020", "urgent": "#c25e00", "routine": "#4a5a6a"}
NEXT_TESTS = 3


def _findings(findings: tuple[AppliedFinding, ...], sign: str) -> str:
    return "".join(
        f"<br>{sign} {escape(f.label)} <span style='color:#777'>(×{f.lr:.2g}"
        f"{', estimate' if f.estimate else ''})</span>"
        for f in findings
    )


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
        self.title = heading("Differential")
        layout.addWidget(self.title)
        self.note = hint(
            "Updates as you record findings. Probabilities are independent estimates, "
            "not shares of 100 %."
        )
        layout.addWidget(self.note)
        self.rows = [ConditionRow() for _ in kb.conditions]
        for row in self.rows:
            layout.addWidget(row)
        layout.addWidget(heading("Next best test", level=2))
        self.next_buttons: list[QPushButton] = []
        self._next: list[NextTest] = []
        for n in range(NEXT_TESTS):
            button = named(QPushButton(), f"Next best test {n + 1}")
            button.setObjectName("nextTest")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, n=n: self._chosen(n))
            layout.addWidget(button)
            self.next_buttons.append(button)
        self.no_next = hint("No untested item would separate the leading conditions.")
        layout.addWidget(self.no_next)
        layout.addStretch(1)

    def show_differential(self, differential: Differential, snapshot: bool = False) -> None:
        """Update rows and suggestions in place."""
        self.title.setText("Differential at signing" if snapshot else "Differential")
        for n, row in enumerate(self.rows):
            if n < len(differential.conditions):
                row.show_result(n, differential.conditions[n])
            row.setVisible(n < len(differential.conditions))
        self._next = list(differential.next_tests[:NEXT_TESTS])
        for n, button in enumerate(self.next_buttons):
            visible = n < len(self._next) and not snapshot
            if visible:
                test = self._next[n]
                text = f"→ {test.name}"
                if button.text() != text:
                    button.setText(text)
                    button.setToolTip(test.reason)
                    button.setAccessibleName(f"Go to next best test: {test.name}")
            button.setVisible(visible)
        self.no_next.setVisible(not self._next and not snapshot)

    def _chosen(self, n: int) -> None:
        test = self._next[n]
        self.nextTestChosen.emit(test.kind, test.item_id)
