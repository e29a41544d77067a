"""The red-flag banner at the top of the window, and the acknowledgement dialog."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
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
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.diagnosis import RedFlagAlert
from desktop_app.core.records import RedFlagAck
from desktop_app.core.signing import needs_acknowledgement
from desktop_app.gui.widgets import clear_layout, hint, local_datetime, named

# Three levels that look different at a glance: an emergency cannot be missed, an urgent flag is
# strong but not an alarm, a routine review is an information notice. Every rule sets its text
# colour with its background, so a dark system palette never gives white on white.
LEVELS = {
    "emergency": ("⚠", "EMERGENCY"),
    "urgent": ("⚠", "URGENT"),
    "routine": ("ℹ", "ROUTINE REVIEW"),
}
ROW_STYLE = """
QFrame#redFlagBanner, QFrame#redFlagBanner[pending="true"] { background: transparent;
                                                             border: none; }
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


class RedFlagBanner(QFrame):
    """One row per raised flag, styled by urgency: name, action, acknowledgement or a button."""

    acknowledgeRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("redFlagBanner")
        self.setStyleSheet(ROW_STYLE)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 6, 8, 6)
        self._layout.setSpacing(4)
        self._shown: tuple[tuple[RedFlagAlert, ...], tuple[tuple[str, RedFlagAck], ...], bool] = (
            (),
            (),
            True,
        )
        self.buttons: dict[str, QPushButton] = {}
        self.rows: dict[str, QFrame] = {}
        self.setVisible(False)

    def reset(self) -> None:
        """Hide the banner (no visit open); the next show_flags redraws it."""
        self._shown = ((), (), True)
        self._clear()
        self.setVisible(False)

    def _clear(self) -> None:
        clear_layout(self._layout)
        self.buttons = {}
        self.rows = {}

    def show_flags(
        self, flags: tuple[RedFlagAlert, ...], acks: dict[str, RedFlagAck], editable: bool
    ) -> None:
        """Rebuild only when the flags or their acknowledgements change."""
        key = (flags, tuple(sorted(acks.items())), editable)
        if key == self._shown:
            return
        self._shown = key
        self._clear()
        pending = any(needs_acknowledgement(f) and f.flag_id not in acks for f in flags)
        self.setProperty("pending", pending)
        self.style().unpolish(self)
        self.style().polish(self)
        for flag in flags:
            self._layout.addWidget(self._row(flag, acks.get(flag.flag_id), editable))
        self.setVisible(bool(flags))

    def _row(self, flag: RedFlagAlert, ack: RedFlagAck | None, editable: bool) -> QFrame:
        icon, level = LEVELS.get(flag.urgency, LEVELS["urgent"])
        row = QFrame()
        row.setObjectName("flagRow")
        row.setProperty("level", flag.urgency)
        row.setProperty("pending", needs_acknowledgement(flag) and ack is None)
        grid = QGridLayout(row)
        grid.setContentsMargins(10, 6, 10, 6)
        text = QLabel(f"<b>{icon} {level} — {escape(flag.name)}</b><br>{escape(flag.action)}")
        text.setWordWrap(True)
        text.setObjectName("flagText")
        text.setAccessibleName(f"{level.lower()} red flag: {flag.name}")
        grid.addWidget(text, 0, 0)
        if ack is not None:
            done = "Referred" if ack.referred else f"Not referred: {ack.reason}"
            status = QLabel(
                f"✔ {escape(done)}<br><small>{escape(ack.acknowledged_by)}, "
                f"{local_datetime(ack.acknowledged_at)}</small>"
            )
            status.setObjectName("flagText")
            status.setWordWrap(True)
            grid.addWidget(status, 0, 1)
        elif editable and needs_acknowledgement(flag):
            button = named(QPushButton("Acknowledge…"), f"Acknowledge red flag: {flag.name}")
            button.setObjectName("flagButton")
            button.setAutoDefault(False)
            button.clicked.connect(
                lambda _=False, f=flag.flag_id: self.acknowledgeRequested.emit(f)
            )
            grid.addWidget(button, 0, 1)
            self.buttons[flag.flag_id] = button
        grid.setColumnStretch(0, 1)
        self.rows[flag.flag_id] = row
        return row


class AcknowledgeDialog(QDialog):
    """Referred, or not referred with a reason (required)."""

    def __init__(self, flag: RedFlagAlert, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Acknowledge red flag")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        title = QLabel(
            f"<b>{escape(flag.name)}</b> ({escape(flag.urgency)})<br>{escape(flag.action)}"
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
