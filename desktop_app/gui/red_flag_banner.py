"""The red-flag banner at the top of the window, and the acknowledgement dialog."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.differential import RedFlagAlert
from desktop_app.core.records import RedFlagAck
from desktop_app.core.safety_wording import flag_heading, level_words
from desktop_app.core.signing import needs_acknowledgement
from desktop_app.gui.kept_rows import hint_at_own_width
from desktop_app.gui.widgets import WrapLabel, hint, local_datetime, named

# Three levels that look different at a glance: an emergency cannot be missed, an urgent flag is
# strong, a routine review is an information notice. Their words are core.safety_wording's (the
# PDFs print the same). Every rule sets its text colour with its background, so a dark system
# palette never gives white on white.
ICONS = {"emergency": "⚠", "urgent": "⚠", "routine": "ℹ"}
ROW_STYLE = """
QFrame#redFlagBanner, QFrame#redFlagBanner[pending="true"] { background: transparent;
                                                             border: none; }
QScrollArea#flagArea, QWidget#flagRows { background: transparent; }
QFrame#flagRow { border-radius: 4px; }
QFrame#flagRow[level="emergency"] { background: #b00020; border: 2px solid #7a0016; }
QFrame#flagRow[level="emergency"] QLabel { color: white; }
QFrame#flagRow[level="emergency"][pending="false"] { background: #fde8e8;
                                                     border: 2px solid #b00020; }
QFrame#flagRow[level="emergency"][pending="false"] QLabel { color: #6b0012; }
QFrame#flagRow[level="urgent"] { background: #ffc94d; border: 2px solid #b36b00; }
QFrame#flagRow[level="urgent"] QLabel { color: #2b1a00; }
QFrame#flagRow[level="urgent"][pending="false"] { background: #fff4ce; border: 1px solid #b36b00; }
QFrame#flagRow[level="urgent"][pending="false"] QLabel { color: #4d3300; }
QFrame#flagRow[level="routine"] { background: #e8f1fb; border: 1px solid #9fbde0; }
QFrame#flagRow[level="routine"] QLabel { color: #12385f; }
QPushButton#flagButton { background: white; color: #7a0016; font-weight: 700;
                         border: 1px solid #7a0016; border-radius: 4px; padding: 4px 10px; }
"""
ROWS_IN_VIEW = 3  # more raised flags scroll (emergencies come first); the window stays usable
NONE_RAISED = "No red flag is raised now."
SQUEEZED = 48  # logical pixels: a window too small for the rows still shows one, scrolling


class FlagRow(QFrame):
    """One raised flag: name and action, then the acknowledgement or its button.

    Updated in place: a row keeps its widgets (and the focus on its button) while its flag stays
    raised; only the texts and properties that changed are set, since every restyle costs a
    layout pass of the window.
    """

    def __init__(self, flag_id: str, on_acknowledge: Callable[[str], None]):
        super().__init__()
        self.flag_id = flag_id
        self.setObjectName("flagRow")
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 6, 10, 6)
        # WrapLabel: a rich-text QLabel lays its document out again on every heightForWidth.
        self.text = WrapLabel()
        self.text.setObjectName("flagText")
        grid.addWidget(self.text, 0, 0)
        self.status = WrapLabel()
        self.status.setObjectName("flagText")
        self.status.setVisible(False)
        grid.addWidget(self.status, 0, 1)
        self.button = QPushButton("Acknowledge…")
        self.button.setObjectName("flagButton")
        self.button.setAutoDefault(False)
        self.button.setVisible(False)
        self.button.clicked.connect(lambda _=False: on_acknowledge(self.flag_id))
        grid.addWidget(self.button, 0, 1)
        grid.setColumnStretch(0, 1)
        self._shown: tuple[RedFlagAlert, RedFlagAck | None, bool] | None = None

    def sizeHint(self) -> QSize:
        return hint_at_own_width(self)

    def show_flag(self, flag: RedFlagAlert, ack: RedFlagAck | None, editable: bool) -> None:
        """Show this flag's current state (nothing is touched when it did not change)."""
        if self._shown == (flag, ack, editable):
            return
        self._shown = (flag, ack, editable)
        icon = ICONS.get(flag.urgency, ICONS["urgent"])
        pending = needs_acknowledgement(flag) and ack is None
        if self.property("level") != flag.urgency or self.property("pending") != pending:
            self.setProperty("level", flag.urgency)
            self.setProperty("pending", pending)
            self.style().unpolish(self)
            self.style().polish(self)
            for label in (self.text, self.status):  # the rule colours them by the row's level
                label.style().unpolish(label)
                label.style().polish(label)
        heading = flag_heading(flag.urgency, flag.name, loud=True)
        _set_text(self.text, f"<b>{icon} {escape(heading)}</b><br>{escape(flag.action)}")
        self.text.setAccessibleName(flag_heading(flag.urgency, flag.name))
        if ack is not None:
            done = "Referred" if ack.referred else f"Not referred: {ack.reason}"
            _set_text(
                self.status,
                f"✔ {escape(done)}<br><small>{escape(ack.acknowledged_by)}, "
                f"{local_datetime(ack.acknowledged_at)}</small>",
            )
        self.status.setVisible(ack is not None)
        asks = ack is None and editable and needs_acknowledgement(flag)
        if asks:
            named(self.button, f"Acknowledge red flag: {flag.name}")
        self.button.setVisible(asks)

    @property
    def asks(self) -> bool:
        """True while the row offers its Acknowledge button."""
        return not self.button.isHidden()


def _set_text(label: QLabel, text: str) -> None:
    if label.text() != text:  # a new text costs the label a layout of its rich text
        label.setText(text)


class RedFlagBanner(QFrame):
    """One row per raised flag, styled by urgency: name, action, acknowledgement or a button.

    Rows are kept per flag and updated in place; a flag that stops firing hides its row, to be
    shown again if it fires again (deleting and rebuilding every row was most of a click's cost).
    """

    acknowledgeRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("redFlagBanner")
        self.setStyleSheet(ROW_STYLE)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._area = FlagArea()
        outer.addWidget(self._area)
        body = FlagRows()
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(8, 6, 8, 6)
        self._layout.setSpacing(4)
        self._none = hint(NONE_RAISED)  # in the room kept after the last flag stopped
        self._none.setObjectName("flagText")
        self._none.setVisible(False)
        self._layout.addWidget(self._none)  # after the rows, which _arrange inserts above it
        self._layout.addStretch(1)
        self._area.setWidget(body)
        self._shown: tuple[tuple[RedFlagAlert, ...], tuple[tuple[str, RedFlagAck], ...], bool] = (
            (),
            (),
            True,
        )
        self._rows: dict[str, FlagRow] = {}  # every row made so far, shown or hidden
        self._order: list[str] = []  # the flag ids in the layout's order
        self.buttons: dict[str, QPushButton] = {}  # the raised flags' Acknowledge buttons
        self.rows: dict[str, QFrame] = {}  # the raised flags' rows
        self.setVisible(False)

    def reset(self) -> None:
        """Hide the banner (no visit open); the next show_flags shows the rows again."""
        self._shown = ((), (), True)
        self.buttons = {}
        self.rows = {}
        for row in self._rows.values():
            row.setVisible(False)
        self._none.setVisible(False)
        self._area.reserve(0)
        self.setVisible(False)

    def show_flags(
        self, flags: tuple[RedFlagAlert, ...], acks: dict[str, RedFlagAck], editable: bool
    ) -> None:
        """Update the rows in place, and only when the flags or their acknowledgements change."""
        key = (flags, tuple(sorted(acks.items())), editable)
        if key == self._shown:
            return
        self._shown = key
        pending = any(needs_acknowledgement(f) and f.flag_id not in acks for f in flags)
        if self.property("pending") != pending:
            self.setProperty("pending", pending)
            self.style().unpolish(self)
            self.style().polish(self)
        raised = [f.flag_id for f in flags]
        # Rows are shown with the layout off: showing a child of a shown widget lays out every
        # ancestor at once, once per row shown.
        self._layout.setEnabled(False)
        self._arrange(raised)
        for flag in flags:
            self._rows[flag.flag_id].show_flag(flag, acks.get(flag.flag_id), editable)
        self.rows = {fid: self._rows[fid] for fid in raised}
        self.buttons = {fid: self._rows[fid].button for fid in raised if self._rows[fid].asks}
        shown = set(raised)
        for fid, row in self._rows.items():
            if row.isHidden() == (fid in shown):
                row.setVisible(fid in shown)
        self._none.setVisible(not flags)
        self._layout.setEnabled(True)
        self._layout.activate()  # once, now: the rows are where they show at once
        self._fit()
        self.setVisible(bool(flags) or self._area.reserved > 0)

    def _fit(self) -> None:
        """Keep the banner's height: it only grows (up to ROWS_IN_VIEW rows) while a visit is
        shown, so a flag that fires or stops changes the rows, not the window's layout."""
        width = self._area.viewport().width() if self.isVisible() else self.width()
        rows = [self._rows[fid] for fid in self.rows][:ROWS_IN_VIEW]
        if not rows:
            return
        margins = self._layout.contentsMargins()
        needed = margins.top() + margins.bottom() + self._layout.spacing() * (len(rows) - 1)
        inner = max(1, width - margins.left() - margins.right())
        needed += sum(row.heightForWidth(inner) for row in rows)
        self._area.reserve(max(self._area.reserved, needed))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A new width wraps the rows anew: the room is measured again."""
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width() and self.rows:
            self._area.reserve(0)
            self._fit()

    def _arrange(self, raised: list[str]) -> None:
        """Make the missing rows and put the raised ones first, in the order given."""
        for fid in raised:
            if fid not in self._rows:
                row = FlagRow(fid, self.acknowledgeRequested.emit)
                row.setVisible(False)
                self._rows[fid] = row
                self._layout.insertWidget(len(self._order), row)
                self._order.append(fid)
        if self._order[: len(raised)] == raised:
            return
        rest = [fid for fid in self._order if fid not in set(raised)]
        for index, fid in enumerate([*raised, *rest]):  # moves only: no row is rebuilt
            if self._layout.indexOf(self._rows[fid]) != index:
                self._layout.removeWidget(self._rows[fid])
                self._layout.insertWidget(index, self._rows[fid])
        self._order = [*raised, *rest]


class FlagRows(QWidget):
    """The rows inside the scrolling area (its size hint as the forms', gui/kept_rows.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("flagRows")

    def sizeHint(self) -> QSize:
        return hint_at_own_width(self)


class FlagArea(QScrollArea):
    """The rows' scrolling area, as tall as the room reserved for them."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("flagArea")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the buttons in it take focus, not it
        self.reserved = 0

    def reserve(self, height: int) -> None:
        if height != self.reserved:
            self.reserved = height
            self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.reserved)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, min(self.reserved, SQUEEZED))


class AcknowledgeDialog(QDialog):
    """Referred, or not referred with a reason (required)."""

    def __init__(self, flag: RedFlagAlert, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Acknowledge red flag")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        title = QLabel(
            f"<b>{escape(flag.name)}</b> ({escape(level_words(flag.urgency).short)})"
            f"<br>{escape(flag.action)}"
        )
        title.setWordWrap(True)
        layout.addWidget(title)
        self.referred = named(QRadioButton("The patient was referred as advised"), "Referred")
        self.not_referred = named(QRadioButton("Not referred — reason:"), "Not referred")
        group = QButtonGroup(self)
        group.addButton(self.referred)
        group.addButton(self.not_referred)
        self.reason = named(QPlainTextEdit(), "Reason for not referring")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.reason.setEnabled(False)
        self.not_referred.toggled.connect(self.reason.setEnabled)
        self.error = hint("")
        self.error.setStyleSheet("color:#b00020")
        for widget in (self.referred, self.not_referred, self.reason, self.error):
            layout.addWidget(widget)
        layout.addWidget(hint("This is recorded with your name and the time in the audit trail."))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:
        """Tall enough for the whole action: Qt sizes a window by its layout's minimum, which
        counts a wrapped label as one line, so the action's last line was cut off at 150 %."""
        super().showEvent(event)
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _accept(self) -> None:
        if not (self.referred.isChecked() or self.not_referred.isChecked()):
            self.error.setText("Choose whether the patient was referred.")
        elif self.not_referred.isChecked() and not self.reason.toPlainText().strip():
            self.error.setText("Give the reason for not referring.")
        else:
            self.accept()

    def result_values(self) -> tuple[bool, str]:
        """(referred, reason)."""
        return self.referred.isChecked(), self.reason.toPlainText().strip()
