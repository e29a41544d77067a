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
from desktop_app.gui.widgets import clear_layout, hint, local_datetime, named


class RedFlagBanner(QFrame):
    """One line per raised flag: urgency, name, action, and its acknowledgement or a button."""

    acknowledgeRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("redFlagBanner")
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(12, 8, 12, 8)
        self._shown: tuple[tuple[RedFlagAlert, ...], tuple[tuple[str, RedFlagAck], ...], bool] = (
            (),
            (),
            True,
        )
        self.buttons: dict[str, QPushButton] = {}
        self.setVisible(False)

    def reset(self) -> None:
        """Hide the banner (no visit open); the next show_flags redraws it."""
        self._shown = ((), (), True)
        self._clear()
        self.setVisible(False)

    def _clear(self) -> None:
        clear_layout(self._layout)
        self.buttons = {}

    def show_flags(
        self, flags: tuple[RedFlagAlert, ...], acks: dict[str, RedFlagAck], editable: bool
    ) -> None:
        """Rebuild only when the flags or their acknowledgements change."""
        key = (flags, tuple(sorted(acks.items())), editable)
        if key == self._shown:
            return
        self._shown = key
        self._clear()
        pending = any(f.flag_id not in acks for f in flags)
        self.setProperty("pending", pending)
        self.style().unpolish(self)
        self.style().polish(self)
        for n, flag in enumerate(flags):
            text = QLabel(
                f"<b>⚠ {escape(flag.urgency.upper())} — {escape(flag.name)}</b><br>"
                f"{escape(flag.action)}"
            )
            text.setWordWrap(True)
            text.setObjectName("flagText")
            self._layout.addWidget(text, n, 0)
            ack = acks.get(flag.flag_id)
            if ack is not None:
                done = "Referred" if ack.referred else f"Not referred: {ack.reason}"
                status = QLabel(
                    f"✔ {escape(done)}<br><small>{escape(ack.acknowledged_by)}, "
                    f"{local_datetime(ack.acknowledged_at)}</small>"
                )
                status.setObjectName("flagText")
                status.setWordWrap(True)
                self._layout.addWidget(status, n, 1)
            elif editable:
                button = named(QPushButton("Acknowledge…"), f"Acknowledge red flag: {flag.name}")
                button.setObjectName("flagButton")
                button.setAutoDefault(False)
                button.clicked.connect(
                    lambda _=False, f=flag.flag_id: self.acknowledgeRequested.emit(f)
                )
                self._layout.addWidget(button, n, 1)
                self.buttons[flag.flag_id] = button
        self._layout.setColumnStretch(0, 1)
        self.setVisible(bool(flags))


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
