"""One input widget per answer type of a history prompt; each emits `changed(value or None)`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QPlainTextEdit,
    QWidget,
)

from desktop_app.core.dates import from_iso
from desktop_app.core.knowledge import Prompt
from desktop_app.core.observations import UNKNOWN
from desktop_app.core.wording import choices
from desktop_app.gui.fields import DateField, NumberField
from desktop_app.gui.widgets import ChoiceButtons, DebouncedText, FlowLayout, named

MAX_BUTTON_OPTIONS = 5  # more single-choice options than this use a drop-down list


class AnswerInput(QWidget):
    """Base: `set_value` shows a stored answer silently; user edits emit `changed`."""

    changed = Signal(object)

    def __init__(self, prompt: Prompt, parent: QWidget | None = None):
        super().__init__(parent)
        self.prompt = prompt
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_target(self) -> QWidget:
        """The widget that takes focus when the prompt is the next best test."""
        return self

    def flush(self) -> None:
        """Commit pending typing (free text only)."""


class ButtonsInput(AnswerInput):
    def __init__(self, prompt: Prompt, options: list[tuple[Any, str]]):
        super().__init__(prompt)
        self.buttons = ChoiceButtons(options, prompt.question)
        self.buttons.chosen.connect(self.changed)
        self.layout_.addWidget(self.buttons)

    def set_value(self, value: Any) -> None:
        self.buttons.set_value(value)

    def focus_target(self) -> QWidget:
        return next(iter(self.buttons.buttons.values()))


class ComboInput(AnswerInput):
    def __init__(self, prompt: Prompt):
        super().__init__(prompt)
        self.combo = named(QComboBox(), prompt.question)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(16)  # long options are shortened, listed in full
        self.combo.addItem("—", None)
        for option in prompt.options:
            self.combo.addItem(option.label, option.id)
        self.combo.activated.connect(lambda i: self.changed.emit(self.combo.itemData(i)))
        self.layout_.addWidget(self.combo)
        self.layout_.addStretch(1)

    def set_value(self, value: Any) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(value)))

    def focus_target(self) -> QWidget:
        return self.combo


class MultiInput(AnswerInput):
    def __init__(self, prompt: Prompt):
        super().__init__(prompt)
        self.boxes: dict[str, QCheckBox] = {}
        flow = QWidget()
        wrap = FlowLayout(flow)  # many options wrap on a narrow window
        for option in prompt.options:
            box = named(QCheckBox(option.label), f"{prompt.question}: {option.label}")
            box.clicked.connect(self._emit)
            wrap.addWidget(box)
            self.boxes[option.id] = box
        self.layout_.addWidget(flow, 1)

    def _emit(self) -> None:
        chosen = tuple(i for i, box in self.boxes.items() if box.isChecked())
        self.changed.emit(chosen or None)

    def set_value(self, value: Any) -> None:
        chosen = set(value or ())
        for option_id, box in self.boxes.items():
            box.setChecked(option_id in chosen)

    def focus_target(self) -> QWidget:
        return next(iter(self.boxes.values()), self)


class NumberInput(AnswerInput):
    """A number or duration within the prompt's range (the range the core validates)."""

    def __init__(self, prompt: Prompt):
        super().__init__(prompt)
        low = 0.0 if prompt.answer_type == "duration" and prompt.minimum is None else prompt.minimum
        self.field = NumberField(
            prompt.question, low, prompt.maximum, prompt.unit, what=prompt.question.rstrip("?")
        )
        self.edit = self.field.edit
        self.field.edited.connect(self.changed)
        self.layout_.addWidget(self.field, 1)

    def set_value(self, value: Any) -> None:
        self.field.set_value(None if value in (None, UNKNOWN) else float(value))

    def focus_target(self) -> QWidget:
        return self.edit


class DateInput(AnswerInput):
    """A remembered date: to the day, or a month and year, or a year; never after today."""

    def __init__(self, prompt: Prompt):
        super().__init__(prompt)
        self.field = DateField(prompt.question, partial=True)
        self.edit = self.field.edit
        self.field.edited.connect(lambda day: self.changed.emit(None if day is None else day.iso()))
        self.layout_.addWidget(self.field, 1)

    def set_value(self, value: Any) -> None:
        self.field.set_value(None if value in (None, UNKNOWN) else from_iso(str(value)))

    def focus_target(self) -> QWidget:
        return self.edit


class TextInput(AnswerInput):
    def __init__(self, prompt: Prompt):
        super().__init__(prompt)
        self.edit = named(QPlainTextEdit(), prompt.question)
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(64)
        self.text = DebouncedText(self.edit)
        self.text.committed.connect(lambda t: self.changed.emit(t or None))
        self.layout_.addWidget(self.edit)

    def set_value(self, value: Any) -> None:
        self.text.set_text("" if value is None else str(value))

    def focus_target(self) -> QWidget:
        return self.edit

    def flush(self) -> None:
        self.text.flush()


def make_input(prompt: Prompt) -> AnswerInput:
    """The input widget for a prompt's answer type."""
    kind = prompt.answer_type
    if kind in ("yes_no", "side", "scale"):  # worded as the PDFs word them (core.wording)
        return ButtonsInput(prompt, choices(prompt))
    if kind == "single_choice":
        if len(prompt.options) <= MAX_BUTTON_OPTIONS:
            return ButtonsInput(prompt, choices(prompt))
        return ComboInput(prompt)
    if kind == "multiple_choice":
        return MultiInput(prompt)
    if kind in ("number", "duration"):
        return NumberInput(prompt)
    if kind == "date":
        return DateInput(prompt)
    return TextInput(prompt)
