"""Small reusable widgets: segmented choice buttons, debounced text, section headings."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from functools import partial
from typing import Any, TypeVar

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QEvent,
    QLocale,
    QObject,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QWidget,
)

TEXT_DEBOUNCE_MS = 600  # free text is saved this long after the last keystroke, and on focus-out


W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, description: str = "") -> W:
    """Give a widget the accessible name screen readers announce (and tests check)."""
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget of a layout (detached at once, so lookups miss them)."""
    while (item := layout.takeAt(0)) is not None:
        if (widget := item.widget()) is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()


class WrapLabel(QLabel):
    """A word-wrapped label that remembers its height per width.

    QLabel lays its text out again on every heightForWidth() call, and a layout pass asks many
    times; with dozens of wrapped questions that made each click's relayout cost several ms.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setWordWrap(True)
        self._heights: dict[int, int] = {}

    def setText(self, text: str) -> None:
        if text != self.text():
            self._heights.clear()
            super().setText(text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._heights.clear()  # the style sheet can change the font after construction
        super().changeEvent(event)

    def heightForWidth(self, width: int) -> int:
        if width not in self._heights:
            self._heights[width] = super().heightForWidth(width)
        return self._heights[width]


def heading(text: str, level: int = 1) -> QLabel:
    """A section heading styled by the application style sheet."""
    label = WrapLabel(text)
    label.setObjectName("heading" if level == 1 else "subheading")
    label.setWordWrap(True)
    return label


def hint(text: str) -> QLabel:
    """Secondary explanatory text."""
    label = WrapLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def local_date(day: Any) -> str:
    """A date in the user's locale short format."""
    return QLocale().toString(QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat)


def local_datetime(moment: dt.datetime) -> str:
    """An aware datetime in local time, locale short format."""
    local = QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))
    return QLocale().toString(local, QLocale.FormatType.ShortFormat)


class ChoiceButtons(QWidget):
    """A row of toggle buttons; clicking the chosen one again clears it (not recorded)."""

    chosen = Signal(object)  # the option value, or None when cleared

    def __init__(
        self, options: Sequence[tuple[Any, str]], name: str, parent: QWidget | None = None
    ):
        super().__init__(parent)
        layout = FlowLayout(self, spacing=2)  # long option lists wrap on a narrow window
        self._value: Any = None
        self._shown = False  # whether the buttons show `_value`
        self.buttons: dict[Any, QPushButton] = {}
        for value, label in options:
            button = QPushButton(label)
            button.setObjectName("choice")
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            named(button, f"{name}: {label}")
            button.clicked.connect(partial(self._clicked, value))
            layout.addWidget(button)
            self.buttons[value] = button

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        """Show a value without emitting `chosen`."""
        if value == self._value and self._shown:
            return  # a form shows every row's answer again after a complaint change
        self._value, self._shown = value, True
        for option, button in self.buttons.items():
            button.setChecked(option == value)

    def _clicked(self, value: Any) -> None:
        new = None if self._value == value else value
        self.set_value(new)
        self.chosen.emit(new)


class DebouncedText(QObject):
    """Emit a text widget's content shortly after typing stops, on focus-out and on flush()."""

    committed = Signal(str)

    def __init__(self, editor: QPlainTextEdit | QLineEdit):
        super().__init__(editor)
        self.editor = editor
        self._last = self._text()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TEXT_DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)
        editor.textChanged.connect(self._timer.start)
        editor.installEventFilter(self)

    def _text(self) -> str:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        return self.editor.text()

    def set_text(self, text: str) -> None:
        """Show stored text without emitting; keeps the undo history for later edits."""
        self._timer.stop()
        self._last = text
        if self._text() != text:
            self.editor.blockSignals(True)
            if isinstance(self.editor, QPlainTextEdit):
                self.editor.setPlainText(text)
            else:
                self.editor.setText(text)
            self.editor.blockSignals(False)

    @property
    def pending(self) -> bool:
        return self._text() != self._last

    def flush(self) -> None:
        """Commit unsaved text now."""
        self._timer.stop()
        if self.pending:
            self._last = self._text()
            self.committed.emit(self._last)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.flush()
        return False


class FlowLayout(QLayout):
    """Widgets left to right, wrapping to the next line when the width runs out.

    A row of long check boxes would otherwise make its width the window's minimum width.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._heights: dict[int, int] = {}
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if width not in self._heights:  # asked many times per layout pass
            self._heights[width] = self._place(QRect(0, 0, width, 0), move=False)
        return self._heights[width]

    def invalidate(self) -> None:
        self._heights.clear()
        super().invalidate()

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect: QRect, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        gap = self.spacing()
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            label = item.widget()
            room = rect.right() + 1 - x
            if isinstance(label, QLabel) and label.wordWrap():  # the rest of the line, wrapped
                want = label.fontMetrics().horizontalAdvance(label.text()) + 4
                if x > rect.x() and room < min(want, 160):
                    x, y, line, room = rect.x(), y + line + gap, 0, rect.width()
                width = max(1, min(want, room))
                hint = QSize(width, label.heightForWidth(width))
            elif x > rect.x() and hint.width() > room:
                x, y, line = rect.x(), y + line + gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            line = max(line, hint.height())
        return y + line - rect.y()


def focusables(root: QWidget) -> list[QWidget]:
    """The widgets under root that Tab can reach, in the order they appear on the form."""
    wanted = Qt.FocusPolicy.TabFocus.value  # plain ints: enum arithmetic was most of the cost
    window = root.window()
    return [
        w
        for w in root.findChildren(QWidget)
        if (w.focusPolicy().value & wanted) == wanted
        and w.focusProxy() is None
        and w.window() is window
    ]


def chain_focus(widgets: Sequence[QWidget]) -> None:
    """Make Tab visit the widgets in this order."""
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)


def tabs_in_view(tabs: QTabWidget) -> None:
    """Every tab in view (names shortened if need be); the bar takes focus in its own place."""
    tabs.setFocusProxy(None)  # type: ignore[arg-type]
    tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.TabFocus)
    tabs.setUsesScrollButtons(False)
    tabs.setElideMode(Qt.TextElideMode.ElideRight)


def scrolled(widget: QWidget) -> QScrollArea:
    """The widget in a frameless scroll area that resizes it: any section fits any screen."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


class SaveState(QLabel):
    """ "Saving…", then "✔ Saved 10:42" once the disk holds the edit, or "⚠ Not saved"."""

    TEXTS = ("Saving…", "⚠ Not saved", "✔ Saved 00:00 AM")  # the widest sets the width

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("saved")
        self._font = QFont()  # the font the fixed size was measured in
        self._fits: set[str] = set()  # texts measured in it that fit the fixed size
        self._extra: QSize | None = None  # the style's padding around the text

    def show_state(self, state: str) -> None:
        failed = state == "failed"
        if failed:
            self.setText("⚠ Not saved")
        elif state == "saving":
            self.setText("Saving…")
        else:
            now = QLocale().toString(QTime.currentTime(), QLocale.FormatType.ShortFormat)
            self.setText(f"✔ Saved {now}")
        if self.property("failed") != failed:  # restyling costs a layout pass: only on change
            self.setProperty("failed", failed)
            self.style().unpolish(self)
            self.style().polish(self)
        self._fit()

    def _fit(self) -> None:
        """One fixed size for every text, measured once per font. A label that changes width
        moves the header's buttons, and one whose size is not fixed lays out the whole window
        again on every click ("Saving…", then "✔ Saved")."""
        font, text = self.font(), self.text()
        if text in self._fits and font == self._font:
            return
        metrics = self.fontMetrics()
        widths = [metrics.horizontalAdvance(t) for t in (*self.TEXTS, *self._fits, text)]
        if font != self._font or len(self._fits) > 100:
            self._font, self._fits = QFont(font), set()
        self._fits |= {*self.TEXTS, text}
        if self._extra is None:  # measured before any fixed size: the hint grows to the minimum
            self.ensurePolished()  # the style sheet's padding, even before the label is shown
            hint = self.sizeHint()
            self._extra = QSize(hint.width() - widths[-1], hint.height() - metrics.height())
        self.setFixedSize(
            max(widths) + self._extra.width(), metrics.height() + self._extra.height()
        )


class FoldButton(QPushButton):
    """Shows or hides a panel; folds it by itself on a narrow window until the user chooses."""

    def __init__(self, text: str, tip: str) -> None:
        super().__init__(text)
        named(self, tip.split(" (")[0], tip)
        self.setToolTip(tip)
        self.setCheckable(True)
        self.setChecked(True)
        self._chosen = False
        self.clicked.connect(self._choose)

    def _choose(self) -> None:
        self._chosen = True

    def fit(self, room: bool) -> None:
        """Show the panel when there is room, hide it when not, unless the user has chosen."""
        if not self._chosen:
            self.setChecked(room)
