"""One input widget per answer type of a history prompt; each emits `changed(value or None)`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QLocale, Signal
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop_app.core.knowledge import Prompt
from desktop_app.core.observations import UNKNOWN
from desktop_app.core.wording import choices
from desktop_app.gui.widgets import ChoiceButtons, DebouncedText, named

NO_DATE = QDate(1900, 1, 1)  # shown as "—": the date edit's "not recorded" value
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
        for option in prompt.options:
            box = named(QCheckBox(option.label), f"{prompt.question}: {option.label}")
            box.clicked.connect(self._emit)
            self.layout_.addWidget(box)
            self.boxes[option.id] = box
        self.layout_.addStretch(1)

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
    def __init__(self, prompt: Prompt):
        super().__init__(prompt)
        self.edit = named(QLineEdit(), prompt.question, f"Number in {prompt.unit}".strip())
        low = prompt.minimum if prompt.minimum is not None else -1e9
        high = prompt.maximum if prompt.maximum is not None else 1e9
        self.edit.setValidator(QDoubleValidator(low, high, 2, self.edit))
        self.edit.setMaximumWidth(110)
        self.edit.setPlaceholderText("—")
        self.edit.editingFinished.connect(self._emit)
        self.layout_.addWidget(self.edit)
        if prompt.unit:
            self.layout_.addWidget(QLabel(prompt.unit))
        self.layout_.addStretch(1)
        self._shown = ""

    def _emit(self) -> None:
        text = self.edit.text().strip()
        if text == self._shown:
            return
        self._shown = text
        number = QLocale().toDouble(text)[0] if text else None
        self.changed.emit(number)

    def set_value(self, value: Any) -> None:
        self._shown = "" if value in (None, UNKNOWN) else QLocale().toString(float(value), "g", 6)
        self.edit.setText(self._shown)

    def focus_target(self) -> QWidget:
        return self.edit


class DateInput(AnswerInput):
    def __init__(self, prompt: Prompt):
        super().__init__(prompt)
        self.edit = named(QDateEdit(), prompt.question)
        self.edit.setCalendarPopup(True)
        self.edit.setMinimumDate(NO_DATE)
        self.edit.setSpecialValueText("—")
        self.edit.setDisplayFormat(QLocale().dateFormat(QLocale.FormatType.ShortFormat))
        self.edit.setDate(NO_DATE)
        self.edit.editingFinished.connect(self._emit)
        self.layout_.addWidget(self.edit)
        self.layout_.addStretch(1)
        self._shown = NO_DATE

    def _emit(self) -> None:
        day = self.edit.date()
        if day == self._shown:
            return
        self._shown = day
        self.changed.emit(None if day == NO_DATE else day.toString("yyyy-MM-dd"))

    def set_value(self, value: Any) -> None:
        if value in (None, UNKNOWN):
            self._shown = NO_DATE
        else:
            day = dt.date.fromisoformat(str(value))
            self._shown = QDate(day.year, day.month, day.day)
        self.edit.setDate(self._shown)

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
