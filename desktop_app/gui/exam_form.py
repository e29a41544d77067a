"""Examination checklist grouped by region: a result per side, how-to and accuracy on demand."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.knowledge import Accuracy, ExamItem, KnowledgeBase
from desktop_app.core.observations import NO_SIDE, SIDES, Observations
from desktop_app.gui.fields import NumberField
from desktop_app.gui.kept_rows import KeptRows, hint_at_own_width
from desktop_app.gui.widgets import ChoiceButtons, WrapLabel, hint, named

RESULTS = [("positive", "Positive"), ("negative", "Negative"), ("inconclusive", "Inconclusive")]


def accuracy_text(kb: KnowledgeBase, accuracy: Accuracy) -> str:
    """One line per target condition: sensitivity, specificity, LRs and the source."""
    parts = []
    for label, value in (
        ("Sensitivity", accuracy.sensitivity),
        ("Specificity", accuracy.specificity),
    ):
        if value is not None:
            parts.append(f"{label} {value:.0%}")
    for label, value in (("LR+", accuracy.lr_pos), ("LR−", accuracy.lr_neg)):
        if value is not None:
            parts.append(f"{label} {value:g}")
    target = kb.conditions[accuracy.target].name if accuracy.target in kb.conditions else ""
    source = kb.sources.get(accuracy.source)
    text = f"{target}: " + (", ".join(parts) or "no figures")
    if accuracy.reference_standard:
        text += f" (reference: {accuracy.reference_standard})"
    if accuracy.note:
        text += f". {accuracy.note}"
    if source is not None:
        text += f" — {source.citation}"
    return text


class SideResult(QWidget):
    """The result control for one side of an item: buttons for binary, a field for measurements."""

    changed = Signal(object)

    def __init__(self, item: ExamItem, side: str):
        super().__init__()
        side_label = "" if side == NO_SIDE else f", {side}"
        name = f"{item.name}{side_label}"
        self.edit: QLineEdit | None = None
        self.field: NumberField | None = None
        self.buttons: ChoiceButtons | None = None
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if item.result_type == "binary":
            self.buttons = ChoiceButtons(RESULTS, name)
            self.buttons.chosen.connect(self.changed)
            layout.addWidget(self.buttons, 0, 0)
        else:
            self.field = NumberField(name, item.minimum, item.maximum, item.unit, what=item.name)
            self.edit = self.field.edit
            self.field.edited.connect(self.changed)
            layout.addWidget(self.field, 0, 0)

    def set_value(self, value: Any) -> None:
        if self.buttons is not None:
            self.buttons.set_value(value)
        elif self.field is not None:
            self.field.set_value(None if value is None else float(value))

    def focus_target(self) -> QWidget:
        if self.buttons is not None:
            return next(iter(self.buttons.buttons.values()))
        assert self.edit is not None
        return self.edit


class ExamRow(QFrame):
    """One examination item: name, per-side results and a details toggle."""

    def __init__(self, kb: KnowledgeBase, item: ExamItem):
        super().__init__()
        self.setObjectName("promptRow")
        self.item = item
        layout = QGridLayout(self)
        layout.setContentsMargins(4, 4, 4, 6)
        title = WrapLabel(item.name)
        title.setObjectName("question")
        title.setWordWrap(True)
        layout.addWidget(title, 0, 0, 1, 2)
        self.info = named(QPushButton("How to · accuracy"), f"Show how to perform {item.name}")
        self.info.setObjectName("linkButton")
        self.info.setCheckable(True)
        self.info.setAutoDefault(False)
        layout.addWidget(self.info, 0, 2)
        self.sides: dict[str, SideResult] = {}
        for n, side in enumerate(SIDES if item.sided else (NO_SIDE,)):
            if side != NO_SIDE:
                layout.addWidget(QLabel(side.capitalize()), n + 1, 0)
            result = SideResult(item, side)
            self.sides[side] = result
            if side == NO_SIDE:
                layout.addWidget(result, n + 1, 0, 1, 3)
            else:
                layout.addWidget(result, n + 1, 1, 1, 2)
        details = [f"<b>How to:</b> {item.how_to}", f"<b>Positive:</b> {item.positive}"]
        details += [f"<b>Accuracy:</b> {accuracy_text(kb, a)}" for a in item.accuracy]
        self.details = hint("<br>".join(details))
        self.details.setVisible(False)
        self.info.toggled.connect(self.details.setVisible)
        layout.addWidget(self.details, len(self.sides) + 1, 0, 1, 3)
        layout.setColumnStretch(1, 1)

    def sizeHint(self) -> QSize:
        return hint_at_own_width(self)


class ExamForm(QWidget):
    """Emits `resultChanged(item_id, side, value or None)` on every user edit."""

    resultChanged = Signal(str, str, object)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None):
        super().__init__(parent)
        self.kb = kb
        self.rows: dict[str, ExamRow] = {}  # the chosen presentations' rows, in order
        self._made: dict[str, ExamRow] = {}  # every row made so far, shown or not
        # Rows are top-aligned: when the form grows or shrinks below the view (a follow-up
        # question far down), Qt repaints only what comes into view, not the whole view.
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self._layout = QVBoxLayout(self)
        self._layout.setSpacing(4)
        self._hint = hint("")
        self._layout.addWidget(self._hint)
        self._kept = KeptRows(self._layout)

    def sizeHint(self) -> QSize:
        return hint_at_own_width(self)

    def build(self, presentations: tuple[str, ...]) -> None:
        """Lay out the checklist for the chosen presentations, grouped by region.

        Rows and region headings are made once and kept (gui/kept_rows.py).
        """
        items = self.kb.exam_items_for(list(presentations))
        self._hint.setText(
            "Record each test per side. Click a chosen result again to clear it: a test "
            "without a result is “not assessed” and never counts as evidence."
            if items
            else "Choose a presenting complaint above to see its tests."
        )
        for row in self.rows.values():
            row.info.setChecked(False)  # a row shown again starts folded, as a new one did
        self.rows = {}
        self._kept.arrange_grouped(items, lambda item: item.region, self._row, self._made.values())

    def _row(self, exam_item: ExamItem) -> ExamRow:
        row = self._made.get(exam_item.id)
        if row is None:
            row = ExamRow(self.kb, exam_item)
            for side, result in row.sides.items():
                result.changed.connect(
                    lambda value, i=exam_item.id, s=side: self.resultChanged.emit(i, s, value)
                )
            self._made[exam_item.id] = row
        self.rows[exam_item.id] = row
        return row

    def show_observations(self, obs: Observations) -> None:
        for item_id, row in self.rows.items():
            recorded = obs.exam.get(item_id, {})
            for side, result in row.sides.items():
                result.set_value(recorded.get(side))

    def focus_order(self) -> list[QWidget]:
        """The form's Tab stops in screen order."""
        return self._kept.focusables()

    def completion(self, obs: Observations) -> tuple[int, int]:
        """(items with a result on at least one side, items)."""
        return sum(1 for i in self.rows if obs.exam.get(i)), len(self.rows)

    def focus_item(self, item_id: str) -> QWidget | None:
        row = self.rows.get(item_id)
        if row is None:
            return None
        return next(iter(row.sides.values())).focus_target()
