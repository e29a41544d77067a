"""The live differential: the next best tests, then ranked conditions with findings for and against.

Everything is updated in place (no widget is rebuilt after a click), within the 16 ms frame budget.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.diagnosis import ConditionResult, Differential, MustExclude, NextTest
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.safety_wording import (
    must_exclude_ids,
    next_test_label,
    not_screened_line,
    screened_negative_line,
    screening_counts_line,
    summarise_screening,
)
from desktop_app.gui.condition_list import ConditionList
from desktop_app.gui.widgets import heading, hint, named

NEXT_TESTS = 3
LIVE_NOTE = (
    "Updates as you record findings. Probabilities are independent estimates, not shares of 100 %."
)
SNAPSHOT_NOTE = "As shown when the visit was signed; later knowledge-base changes do not alter it."
SHOWN_CONDITIONS = 8  # the rest behind "Show more", so the leaders stay in view


class ElidedButton(QPushButton):
    """A button whose long label wraps onto a second line, shortened there to the width (the
    full text is in the tooltip): a next test's question must be readable without hovering, and
    two lines are measured with the font alone (no height-for-width layout at every refresh)."""

    LINES = 2

    def __init__(self) -> None:
        super().__init__()
        self.full_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self._elide()

    def _elide(self) -> None:
        width = max(self.width() - 24, 40)  # the style's padding
        text = wrapped(self.full_text, self.fontMetrics(), width, self.LINES)
        if self.text() != text:
            self.setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()


def wrapped(text: str, metrics: QFontMetrics, width: int, lines: int) -> str:
    """``text`` broken at spaces into at most ``lines`` lines of ``width`` pixels, the last one
    elided when the rest does not fit."""
    out: list[str] = []
    rest = text
    while len(out) < lines - 1 and metrics.horizontalAdvance(rest) > width:
        words = rest.split(" ")
        line, n = words[0], 1
        while n < len(words) and metrics.horizontalAdvance(f"{line} {words[n]}") <= width:
            line, n = f"{line} {words[n]}", n + 1
        if n == len(words) or metrics.horizontalAdvance(line) > width:
            break  # one word wider than the line: elided below
        out.append(line)
        rest = " ".join(words[n:])
    out.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
    return "\n".join(out)


class DifferentialPanel(QWidget):
    """Emits `nextTestChosen(kind, item_id)` when a suggested test is clicked."""

    nextTestChosen = Signal(str, str)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None):
        super().__init__(parent)
        self.kb = kb
        self.setObjectName("differentialPanel")
        # Top-aligned: a longer or shorter list repaints what it changed, not the whole panel.
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
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
        # Pertinent negatives and what is still unasked: never read an unanswered screen as clear.
        self.screened = hint("")
        self.screened.setAccessibleName("Red flags screened negative")
        layout.addWidget(self.screened)
        self.unscreened = hint("")
        self.unscreened.setObjectName("warningHint")  # the style sheet's colour: follows the theme
        self.unscreened.setAccessibleName("Red flags not yet screened")
        layout.addWidget(self.unscreened)
        self.title = heading("Differential")
        layout.addWidget(self.title)
        self.note = hint(LIVE_NOTE)
        layout.addWidget(self.note)
        self.conditions = ConditionList()
        layout.addWidget(self.conditions)
        self.more = named(QPushButton(), "Show or hide the less likely conditions")
        self.more.setObjectName("linkButton")
        self.more.setCheckable(True)
        self.more.setAutoDefault(False)
        self.more.toggled.connect(self._show_rows)
        layout.addWidget(self.more)
        layout.addStretch(1)
        self._results: tuple[ConditionResult, ...] = ()
        self._tiers: dict[str, MustExclude] = {}

    def show_differential(self, differential: Differential, snapshot: bool = False) -> None:
        """Update rows and suggestions in place."""
        self.title.setText("Differential at signing" if snapshot else "Differential")
        self.note.setText(SNAPSHOT_NOTE if snapshot else LIVE_NOTE)
        self._results = differential.conditions
        self._tiers = must_exclude_ids(differential)
        self._show_rows()
        summary = summarise_screening(self.kb, differential.screening)
        self._set_hint(self.screened, screened_negative_line(summary))
        self._set_hint(
            self.unscreened, screening_counts_line(summary) if summary.incomplete else ""
        )
        self.unscreened.setToolTip(
            not_screened_line(summary)
            + "\n"
            + "\n".join(f"{name}: {'; '.join(qs)}" for name, qs in summary.incomplete)
        )
        self._next = list(differential.next_tests[:NEXT_TESTS])
        for n, button in enumerate(self.next_buttons):
            visible = n < len(self._next) and not snapshot
            if visible:
                test = self._next[n]
                label = next_test_label(test)
                text = f"{'⚠' if test.safety else '→'} {label}"
                if button.full_text != text:
                    button.set_full_text(text)
                    button.setToolTip(f"{label}\n{test.reason}")
                    button.setAccessibleName(f"Go to next best test: {label}")
                    if button.property("safety") != test.safety:  # restyling costs a re-polish
                        # The application style sheet's colour for the property, not one of the
                        # widget's own: a light/dark switch restyles it (review R6).
                        button.setProperty("safety", test.safety)
                        button.style().unpolish(button)
                        button.style().polish(button)
            button.setVisible(visible)
        self.next_title.setVisible(not snapshot)
        self.no_next.setVisible(not self._next and not snapshot)

    def _show_rows(self) -> None:
        count = len(self._results)
        shown = count if self.more.isChecked() else min(count, SHOWN_CONDITIONS)
        self.conditions.set_results(self._results, shown, self._tiers)
        hidden = count - SHOWN_CONDITIONS
        text = "Show fewer" if self.more.isChecked() else f"Show {hidden} more"
        if self.more.text() != text:
            self.more.setText(text)
        self.more.setVisible(hidden > 0)

    @staticmethod
    def _set_hint(label: QLabel, text: str) -> None:
        if label.text() != text:
            label.setText(text)
        label.setVisible(bool(text))

    def _chosen(self, n: int) -> None:
        test = self._next[n]
        self.nextTestChosen.emit(test.kind, test.item_id)
