"""History prompts of the visit's presentations, grouped by topic, with live show-when rules."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QSizePolicy, QVBoxLayout, QWidget

from desktop_app.core.knowledge import KnowledgeBase, Prompt
from desktop_app.core.observations import Observations
from desktop_app.core.visibility import displayed, is_shown
from desktop_app.gui.answer_inputs import AnswerInput, make_input
from desktop_app.gui.kept_rows import (
    KeptRows,
    grow_to_fit,
    hint_at_own_width,
    least_width_only,
)
from desktop_app.gui.widgets import WrapLabel, hint


class PromptRow(QFrame):
    """A question, its optional help and its input."""

    def __init__(self, prompt: Prompt):
        super().__init__()
        self.setObjectName("promptRow")
        # Never squeezed or stretched: when a follow-up question appears, the rows below only
        # move, instead of every row being resized and laid out again.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.prompt = prompt
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 6)
        layout.setSpacing(3)
        question = WrapLabel(prompt.question)
        question.setObjectName("question")
        layout.addWidget(question)
        if prompt.help:
            layout.addWidget(hint(prompt.help))
        self.input: AnswerInput = make_input(prompt)
        question.setBuddy(self.input.focus_target())
        layout.addWidget(self.input)

    def sizeHint(self) -> QSize:
        return hint_at_own_width(self)


class HistoryForm(QWidget):
    """Emits `answerChanged(prompt_id, value or None)` on every user edit."""

    answerChanged = Signal(str, object)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None):
        super().__init__(parent)
        self.kb = kb
        self.rows: dict[str, PromptRow] = {}  # the chosen presentations' rows, in order
        self._made: dict[str, PromptRow] = {}  # every row made so far, shown or not
        # Rows are top-aligned: when the form grows or shrinks below the view (a follow-up
        # question far down), Qt repaints only what comes into view, not the whole view.
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self._layout = QVBoxLayout(self)
        self._layout.setSpacing(4)
        self._hint = hint("")
        self._layout.addWidget(self._hint)
        self._kept = KeptRows(self._layout)
        self._conditional: dict[str, PromptRow] = {}  # the rows with a show-when condition
        self._hidden: set[str] = set()  # of those, the ones apply_rules hid
        self._shown_for: tuple[Observations, Observations] | None = None  # (obs, displayed)

    def build(self, presentations: tuple[str, ...]) -> None:
        """Lay out the rows of the chosen presentations (only when the presentations change).

        Rows and topic headings are made once and kept (gui/kept_rows.py).
        """
        prompts = self.kb.prompts_for(list(presentations))
        self._hint.setText(
            "Click a chosen answer again to clear it; an unanswered question counts as "
            "unknown, never as “no”."
            if prompts
            else "Choose a presenting complaint above to see its questions."
        )
        self.rows = {}  # one heading per topic, in first-asked order (as the PDFs do)
        self._conditional = {}
        self._kept.arrange_grouped(
            prompts, lambda prompt: prompt.topic, self._add_row, self._made.values()
        )

    def sizeHint(self) -> QSize:
        return hint_at_own_width(self)

    def minimumSizeHint(self) -> QSize:
        return least_width_only(self)  # its height is heightForWidth's, at the view's width

    def _add_row(self, prompt: Prompt) -> PromptRow:
        row = self._made.get(prompt.id)
        if row is None:
            row = PromptRow(prompt)
            row.input.changed.connect(lambda value, pid=prompt.id: self._edited(pid, value))
            self._made[prompt.id] = row
        self.rows[prompt.id] = row
        if prompt.show_when is not None:
            self._conditional[prompt.id] = row
        return row

    def _edited(self, prompt_id: str, value: Any) -> None:
        self.answerChanged.emit(prompt_id, value)

    def show_observations(self, obs: Observations) -> None:
        """Show stored answers and apply show-when rules."""
        for prompt_id, row in self.rows.items():
            row.input.set_value(obs.answers.get(prompt_id))
        self.apply_rules(obs)

    def show_answer(self, prompt_id: str, obs: Observations) -> None:
        """Show one prompt's stored answer (after an edit storage cleaned, cleared or refused)."""
        row = self.rows.get(prompt_id)
        if row is not None:
            row.input.set_value(obs.answers.get(prompt_id))

    def apply_rules(self, obs: Observations) -> None:
        """Hide prompts whose show-when condition is not met (answers are kept in storage).

        The rule is core.visibility's, the one the engine and the PDFs apply. Only rows with a
        condition can change; rows are shown with the form's layout off, since showing a row
        of a shown form lays out every ancestor at once, and the layout pass follows anyway.
        """
        shown_on = self._displayed(obs)
        wanted = {pid: is_shown(self.kb, pid, shown_on, retired=True) for pid in self._conditional}
        self._hidden = {pid for pid, shown in wanted.items() if not shown}
        changes = [
            (row, wanted[pid])
            for pid, row in self._conditional.items()
            if row.isHidden() == wanted[pid]
        ]
        if not changes:
            return
        self._layout.setEnabled(False)
        for row, shown in changes:
            row.setVisible(shown)
        self._layout.setEnabled(True)
        self._layout.invalidate()
        grow_to_fit(self)  # the rows below a follow-up question move without being squeezed

    def _displayed(self, obs: Observations) -> Observations:
        """core.visibility.displayed, once per set of observations (apply_rules, completion)."""
        if self._shown_for is None or self._shown_for[0] is not obs:
            self._shown_for = (obs, displayed(self.kb, obs))
        return self._shown_for[1]

    def focus_order(self) -> list[QWidget]:
        """The form's Tab stops in screen order."""
        return self._kept.focusables()

    def completion(self, obs: Observations) -> tuple[int, int]:
        """(answered, shown) prompts, after apply_rules."""
        shown = [pid for pid in self.rows if pid not in self._hidden]
        answers = self._displayed(obs).answers
        return sum(1 for pid in shown if pid in answers), len(shown)

    def focus_prompt(self, prompt_id: str) -> QWidget | None:
        row = self.rows.get(prompt_id)
        return row.input.focus_target() if row is not None else None

    def flush(self) -> None:
        for row in self.rows.values():
            row.input.flush()
