"""The plan: free text, the knowledge base's next steps for the leading conditions, amendments."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.diagnosis import Differential
from desktop_app.core.knowledge import KnowledgeBase, NextSteps
from desktop_app.core.records import Amendment
from desktop_app.gui.widgets import DebouncedText, heading, local_datetime, named

SUGGESTED_CONDITIONS = 2  # next steps are offered for this many leading groups
USUAL_PRACTICE = "usual practice"  # next steps marked `estimate` in the knowledge base


class PlanForm(QWidget):
    """Emits `planChanged(text)` after typing pauses, on focus-out and on flush()."""

    planChanged = Signal(str)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None):
        super().__init__(parent)
        self.kb = kb
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Plan", level=2))
        self.edit = named(QPlainTextEdit(), "Plan (free text)")
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText("Management, advice, referral, follow-up…")
        self.edit.setMinimumHeight(140)
        self.text = DebouncedText(self.edit)
        self.text.committed.connect(self.planChanged)
        layout.addWidget(self.edit)
        layout.addWidget(heading("Suggested next steps", level=2))
        self.suggestions = QLabel()
        self.suggestions.setWordWrap(True)
        layout.addWidget(self.suggestions)
        self.add_button = named(
            QPushButton("Add suggestions to the plan"), "Add the suggested next steps to the plan"
        )
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_suggestions)
        layout.addWidget(self.add_button)
        self.amendments_title = heading("Amendments", level=2)
        self.amendments = QLabel()
        self.amendments.setWordWrap(True)
        layout.addWidget(self.amendments_title)
        layout.addWidget(self.amendments)
        layout.addStretch(1)
        self._lines: list[str] = []
        self._leaders: tuple[str, ...] = ()

    def show_plan(self, text: str) -> None:
        self.text.set_text(text)

    def show_suggestions(self, differential: Differential) -> None:
        """Next steps of the leading conditions (one per group, core.ranking), from the KB."""
        leaders = differential.leading_groups(SUGGESTED_CONDITIONS)
        if leaders == self._leaders:
            return
        self._leaders = leaders
        html, self._lines = [], []
        for condition_id in leaders:
            condition = self.kb.conditions[condition_id]
            steps = condition.next_steps
            parts = [
                ("Management", steps.management),
                ("Referral", steps.referral),
                ("Imaging", steps.imaging),
            ]
            items = [(label, text) for label, texts in parts for text in texts]
            if not items:
                continue
            # Usual practice is labelled on every step, so it is never mistaken for a cited one.
            tag = f" ({USUAL_PRACTICE})" if steps.estimate else ""
            html.append(
                f"<b>{escape(condition.name)}</b><br><small>{escape(self._provenance(steps))}"
                "</small><ul>"
                + "".join(
                    f"<li>{escape(label)}{escape(tag)}: {escape(text)}</li>"
                    for label, text in items
                )
                + "</ul>"
            )
            self._lines += [
                f"{condition.name} — {label.lower()}{tag}: {text}" for label, text in items
            ]
        self.suggestions.setText(
            "".join(html) or "No next steps listed for the leading conditions."
        )
        self.add_button.setVisible(bool(self._lines))

    def _provenance(self, steps: NextSteps) -> str:
        """Where a condition's next steps come from: a cited source, or usual practice."""
        if steps.estimate:
            note = f"{USUAL_PRACTICE.capitalize()}, not cited"
            return f"{note}: {steps.rationale}" if steps.rationale else note
        source = self.kb.sources.get(steps.source or "")
        return f"Source: {source.citation}" if source is not None else ""

    def _add_suggestions(self) -> None:
        addition = "\n".join(f"- {line}" for line in self._lines)
        cursor = self.edit.textCursor()  # insert through the cursor so Ctrl+Z can undo it
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(("\n" if self.edit.toPlainText().strip() else "") + addition)
        self.text.flush()

    def show_amendments(self, amendments: list[Amendment]) -> None:
        self.amendments_title.setVisible(bool(amendments))
        self.amendments.setVisible(bool(amendments))
        self.amendments.setText(
            "".join(
                f"<p><b>{escape(local_datetime(a.created_at))}, {escape(a.author)}</b> "
                f"(reason: {escape(a.reason)})<br>{escape(a.text)}</p>"
                for a in amendments
            )
        )

    def set_editable(self, editable: bool) -> None:
        self.edit.setReadOnly(not editable)
        self.add_button.setEnabled(editable)

    def flush(self) -> None:
        self.text.flush()
