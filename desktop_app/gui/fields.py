"""Date and number fields that never bend a value.

What is typed is read by the core's rules (core.dates, core.validation.number_in_range). Text that
is not a value the record accepts is refused with a message beside the field, and the field goes
back to the value the record holds: the screen never shows a value that was not saved.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dates import EARLIEST, PartialDate, order_of, parse_typed
from desktop_app.core.errors import InvalidObservation
from desktop_app.core.validation import number_in_range, range_text
from desktop_app.gui.widgets import named

PATTERNS = {"DMY": "dd/mm/yyyy", "MDY": "mm/dd/yyyy", "YMD": "yyyy-mm-dd"}


def date_format() -> str:
    """The locale's short date format with a four-digit year (a two-digit one is ambiguous)."""
    pattern = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in pattern:
        pattern = pattern.replace("yy", "yyyy")
    return pattern


def month_names() -> list[str]:
    """The locale's long then short month names, for typed dates such as 'März 2026'."""
    locale = QLocale()
    return [
        locale.monthName(n, form)
        for form in (QLocale.FormatType.LongFormat, QLocale.FormatType.ShortFormat)
        for n in range(1, 13)
    ]


def show_date(day: PartialDate | None) -> str:
    """A (partial) date as the locale writes it; the field reads this text back unchanged."""
    if day is None:
        return ""
    locale = QLocale()
    first = QDate(day.year, day.month or 1, day.day or 1)
    if day.complete:
        return locale.toString(first, date_format())
    if day.month is not None:
        return locale.toString(first, "MMMM yyyy")
    return str(day.year)


class FieldMessage(QLabel):
    """The refusal message shown at a field (empty and hidden when there is none)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.hide()

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))
        if text:
            self._fit_dialog()

    def _fit_dialog(self) -> None:
        """A dialog grows to show the whole message: Qt sizes a window by its layout's minimum,
        which counts a wrapped label as one line, so the message ran over the next row."""
        dialog = self.window()
        layout = dialog.layout()
        if not isinstance(dialog, QDialog) or layout is None or not dialog.isVisible():
            return
        layout.activate()
        needed = layout.totalHeightForWidth(dialog.width())
        if needed > dialog.height():
            dialog.resize(dialog.width(), needed)


class DateLine(QLineEdit):
    """The date's line edit: Alt+Down or F4 asks for the calendar, as in a date edit."""

    calendarRequested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
        if (event.key() == Qt.Key.Key_Down and alt) or event.key() == Qt.Key.Key_F4:
            self.calendarRequested.emit()
            return
        super().keyPressEvent(event)


class _Field(QWidget):
    """A line edit, an optional button and a message; `edited` carries each accepted change."""

    edited = Signal(object)

    def __init__(self, name: str, description: str = "", edit: QLineEdit | None = None) -> None:
        super().__init__()
        column = QVBoxLayout(self)  # the field, then its message below it at any width
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        row = QHBoxLayout()
        column.addLayout(row)
        self.column = column
        self.edit = named(edit or QLineEdit(), name, description)
        self.edit.editingFinished.connect(self.commit)
        row.addWidget(self.edit)
        self.row = row
        self.message = FieldMessage()
        self.message.setAccessibleName(f"{name}: message")
        self._shown = ""

    def _finish_row(self) -> None:
        self.row.addStretch(1)
        self.column.addWidget(self.message)

    def commit(self) -> bool:
        """Read the typed text now; False (and the message) if it was refused."""
        text = self.edit.text().strip()
        if text == self._shown:  # unchanged: a refusal's message stays until the next edit
            return True
        try:
            value = self._read(text)
        except InvalidObservation as error:
            self.message.show_text(f"Not saved: {error}")
            self.edit.setText(self._shown)  # back to what the record holds
            return False
        self.message.show_text("")
        self._shown = self._text_of(value)
        self.edit.setText(self._shown)
        self._value = value
        self.edited.emit(value)
        return True

    def _read(self, text: str) -> object:
        raise NotImplementedError

    def _text_of(self, value: object) -> str:
        raise NotImplementedError


class NumberField(_Field):
    """A number within [low, high]; `edited(float or None)`."""

    def __init__(
        self,
        name: str,
        low: float | None,
        high: float | None,
        unit: str = "",
        whole: bool = False,
        what: str = "",
    ) -> None:
        super().__init__(name, f"Number in {unit}".strip())
        self.low, self.high, self.unit, self.whole = low, high, unit, whole
        self.what = what or name
        self._value: float | None = None
        self.edit.setPlaceholderText("—")
        self.edit.setMaximumWidth(110)
        self.edit.setToolTip(_range_tip(low, high, unit))
        if unit:
            self.row.addWidget(QLabel(unit))
        self._finish_row()

    def value(self) -> float | None:
        return self._value

    def set_value(self, value: float | None) -> None:
        """Show the value the record holds (no signal); an earlier refusal's message goes."""
        self._value = value
        self._shown = self._text_of(value)
        self.edit.setText(self._shown)
        self.message.show_text("")

    def _read(self, text: str) -> float | None:
        if not text:
            return None
        number = _parse_number(text)
        value = number_in_range(
            number if number is not None else text, self.low, self.high, self.unit, self.what
        )
        if self.whole and not value.is_integer():
            raise InvalidObservation(f"{text} is not a whole number ({self.what}).")
        return value

    def _text_of(self, value: object) -> str:
        return "" if value is None else QLocale().toString(float(str(value)), "g", 6)


class DateField(_Field):
    """A date typed in the locale's order, or chosen from a calendar that opens at today.

    `partial` also accepts a month and year or a year alone; no date lies after today or
    before 1900. `edited(PartialDate or None)`.
    """

    def __init__(self, name: str, partial: bool = False, what: str = "date") -> None:
        line = DateLine()
        super().__init__(name, edit=line)
        line.calendarRequested.connect(self.open_calendar)
        self.partial, self.what = partial, what
        self._value: PartialDate | None = None
        order = order_of(date_format())
        self.order = order
        hint = PATTERNS[order] + (", a month and year, or a year" if partial else "")
        self.edit.setPlaceholderText(hint)
        self.edit.setToolTip(f"Type the date as {hint}; Alt+Down opens a calendar.")
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance(PATTERNS[order]) + 24)
        self.edit.setMaximumWidth(240)
        self.button = named(QToolButton(), f"Choose {name.lower()} from a calendar")
        self.button.setText("▾")
        self.button.setToolTip("Calendar (Alt+Down)")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+Down from the field opens it
        self.button.clicked.connect(self.open_calendar)
        self.row.addWidget(self.button)
        self._finish_row()
        # A pop-up window owned by the field (so it is deleted with it), built on first use.
        self.popup = QFrame(self, Qt.WindowType.Popup)
        self.popup.setFrameShape(QFrame.Shape.StyledPanel)
        self._popup_layout = QVBoxLayout(self.popup)
        self._popup_layout.setContentsMargins(2, 2, 2, 2)
        self._calendar: QCalendarWidget | None = None

    @property
    def calendar(self) -> QCalendarWidget:
        if self._calendar is None:
            calendar = QCalendarWidget(self.popup)
            calendar.setAccessibleName(f"{self.edit.accessibleName()}: calendar")
            calendar.setGridVisible(True)
            calendar.activated.connect(self._picked)
            calendar.clicked.connect(self._picked)
            self._popup_layout.addWidget(calendar)
            self._calendar = calendar
        return self._calendar

    def value(self) -> PartialDate | None:
        return self._value

    def set_value(self, value: PartialDate | None) -> None:
        """Show the date the record holds (no signal); an earlier refusal's message goes."""
        self._value = value
        self._shown = show_date(value)
        self.edit.setText(self._shown)
        self.message.show_text("")

    def day(self) -> dt.date | None:
        """The full date shown, or None."""
        value = self._value
        return value.first_day() if value is not None and value.complete else None

    def setDate(self, day: QDate) -> None:
        """Type a date as the user would (what the field refuses shows its message)."""
        self.edit.setText(QLocale().toString(day, date_format()))
        self.commit()

    def _read(self, text: str) -> PartialDate | None:
        return parse_typed(
            text,
            self.order,
            dt.date.today(),
            partial=self.partial,
            month_names=month_names(),
            what=self.what,
        )

    def _text_of(self, value: object) -> str:
        return show_date(value if isinstance(value, PartialDate) else None)

    def open_calendar(self) -> None:
        """The calendar at the date shown, or at today; nothing after today can be chosen."""
        today = QDate.currentDate()
        self.calendar.setDateRange(QDate(EARLIEST.year, 1, 1), today)
        value = self._value
        start = QDate(value.year, value.month or 1, value.day or 1) if value else today
        self.calendar.setSelectedDate(start)
        self.calendar.setCurrentPage(start.year(), start.month())
        self.popup.adjustSize()
        self.popup.move(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
        self.popup.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, day: QDate) -> None:
        self.popup.hide()
        self.edit.setText(QLocale().toString(day, date_format()))
        self.commit()
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)


def _parse_number(text: str) -> float | None:
    """The locale's decimal separator, or a point; group separators are refused, never guessed."""
    locale = QLocale()
    locale.setNumberOptions(QLocale.NumberOption.RejectGroupSeparator)
    number, ok = locale.toDouble(text)
    if ok:
        return number
    c_locale = QLocale.c()
    c_locale.setNumberOptions(QLocale.NumberOption.RejectGroupSeparator)
    number, ok = c_locale.toDouble(text)
    return number if ok else None


def _range_tip(low: float | None, high: float | None, unit: str) -> str:
    return f"Allowed: {range_text(low, high, unit)}"
