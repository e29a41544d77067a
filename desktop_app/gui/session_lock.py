"""The workstation lock: once clinicians have PINs, the window asks for one at start and after
the idle minutes, knows who is at it, audits each opened patient record under their name, and
lets only an admin open Settings.

Locking covers the window with a modal unlock dialog and changes nothing underneath: what was
being typed is saved first (the editor is flushed) and is still on screen after unlocking.
Storage owns the rules (storage/accounts.py); this is the thin view over them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.accounts import DEFAULT_LOCK_MINUTES, IdleClock
from desktop_app.core.clinicians import Clinician
from desktop_app.core.errors import AppError
from desktop_app.gui.dialogs import error_label
from desktop_app.gui.widgets import heading, hint, named

if TYPE_CHECKING:
    from desktop_app.gui.main_window import MainWindow
    from desktop_app.storage.repository import Repository

log = logging.getLogger(__name__)
ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}
WHEN_IDLE = (
    "The app locked itself after it was not used for a while. Enter your PIN to go on: "
    "everything on screen is kept."
)
AT_START = "Clinicians here use a PIN. Enter yours to open the app."


class PinDialog(QDialog):
    """Choose who you are and type your PIN; `check(clinician_id, pin)` decides (raises AppError
    with the message to show)."""

    def __init__(
        self,
        clinicians: list[Clinician],
        check: Callable[[int, str], Clinician],
        title: str,
        text: str,
        parent: QWidget | None = None,
        *,
        can_cancel: bool = True,
    ):
        super().__init__(parent)
        self._check = check
        self._can_cancel = can_cancel
        self.clinician: Clinician | None = None
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title, level=2))
        layout.addWidget(hint(text))
        form = QFormLayout()
        self.who = named(QComboBox(), "Clinician")
        for clinician in clinicians:
            self.who.addItem(clinician.name, clinician.id)
        self.pin = named(QLineEdit(), "PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Clinician", self.who)
        form.addRow("PIN", self.pin)
        layout.addLayout(form)
        self.error = error_label()  # grows with a wrapped message (widgets.WrapLabel)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        if can_cancel:
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Unlock")
        buttons.accepted.connect(self._try)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.pin.setFocus()

    def _try(self) -> None:
        if self.who.currentData() is None:
            self.error.setText("No clinician who works here has a PIN that can do this.")
            return
        try:
            self.clinician = self._check(int(self.who.currentData()), self.pin.text())
        except AppError as exc:
            self.error.setText(str(exc))
            self.pin.clear()
            self.pin.setFocus()
            return
        self.accept()

    def reject(self) -> None:
        if self._can_cancel:  # the lock itself cannot be dismissed, only unlocked
            super().reject()


class SessionLock(QObject):
    """Locks `window` after the idle minutes while the database has accounts."""

    def __init__(self, window: MainWindow, now: Callable[[], float] = time.monotonic):
        super().__init__(window)
        self.window = window
        self._now = now
        self.clinician: Clinician | None = None  # who unlocked last
        self.dialog: PinDialog | None = None  # the unlock dialog while locked
        self._clock = IdleClock(self._lock_minutes())
        self._clock.touch(now())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)
        self._watching = False
        window.installEventFilter(self)  # its Close stops the timer
        window.patientOpened.connect(self._viewed)
        window.may_open_settings = self.admin_allows
        self._add_pin_action()

    def _add_pin_action(self) -> None:
        """File > Clinician PIN… and Idle lock…, above Quit."""
        menu = None
        for action in self.window.menuBar().actions():
            if action.menu() is not None and action.text() == "&File":
                menu = action.menu()
        if not isinstance(menu, QMenu):
            return
        pin = QAction("Clinician &PIN…", self.window)
        pin.triggered.connect(self.set_pin)
        minutes = QAction("Idle &lock…", self.window)
        minutes.triggered.connect(self.set_lock_minutes)
        actions = menu.actions()
        for action in (pin, minutes):
            if actions:
                menu.insertAction(actions[-1], action)
            else:
                menu.addAction(action)
        self.pin_action = pin
        self.minutes_action = minutes

    def set_pin(self) -> None:
        from desktop_app.gui.pin_dialog import SetPinDialog

        if not self._repo.read_only and SetPinDialog(self._repo, self.window).exec():
            self.window.statusBar().showMessage("PIN saved.", 5000)
            self.check()  # a first PIN starts the idle count now

    def set_lock_minutes(self) -> None:
        from desktop_app.gui.pin_dialog import LockMinutesDialog

        if not self._repo.read_only and LockMinutesDialog(self._repo, self.window).exec():
            self._clock.minutes = self._repo.lock_minutes()  # counts from the last activity
            self.window.statusBar().showMessage(
                f"The window now locks after {self._clock.minutes} idle minutes.", 5000
            )
            self.check()

    @property
    def _repo(self) -> Repository:  # the window's, which a restore reopens
        return self.window.ops.repo

    def _lock_minutes(self) -> int:
        """The saved idle minutes; the default when the file cannot be read (the start-up check
        that runs after the window shows reports the damage and opens it read-only)."""
        try:
            return self._repo.lock_minutes()
        except AppError:
            return DEFAULT_LOCK_MINUTES

    def _in_use(self) -> bool:
        try:
            return bool(self._repo.accounts_in_use())
        except AppError:
            return False

    def start(self) -> None:
        """At start: locked at once when accounts are in use, else only the idle timer."""
        if self._in_use():
            self._watch()
            self.lock(AT_START)
        else:
            self._arm()

    def _watch(self) -> None:
        """See every key press and click, once accounts are in use (until then no app-wide
        filter runs: it would cost every event of every window a call into Python)."""
        app = QApplication.instance()
        if app is not None and not self._watching:
            app.installEventFilter(self)
            self._watching = True
            self._clock.touch(self._now())

    def _arm(self) -> None:
        self._timer.start(max(1000, int(self._clock.remaining(self._now()) * 1000)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY and self.dialog is None:
            self._clock.touch(self._now())
        elif event.type() == QEvent.Type.Close and watched is self.window:
            self._timer.stop()  # the window closes its database: nothing left to lock
        return False

    def check(self) -> None:
        """Lock when the idle time is up (and accounts are in use); otherwise wait again."""
        if self.dialog is not None or not self.window.isVisible():
            return
        in_use = self._in_use()
        if in_use and not self._watching:
            self._watch()  # a first PIN was set while the window was open: count from now
        elif in_use and self._clock.due(self._now()):
            self.lock()
            return
        self._arm()

    def lock(self, why: str = WHEN_IDLE) -> None:
        """Save what is being typed, then cover the window until a clinician's PIN unlocks it."""
        self.window._flush_editor()  # saved before anyone else sits down
        clinicians = [c for c in self._repo.clinicians() if self._repo.has_pin(c.id)]
        self.dialog = PinDialog(
            clinicians,
            self._repo.unlock,
            "Locked",
            why,
            self.window,
            can_cancel=False,
        )
        if self.clinician is not None:
            self.dialog.who.setCurrentIndex(max(0, self.dialog.who.findData(self.clinician.id)))
        self.dialog.accepted.connect(self._unlocked)
        self.dialog.open()

    def _unlocked(self) -> None:
        assert self.dialog is not None
        self.clinician = self.dialog.clinician
        self.dialog.deleteLater()
        self.dialog = None
        self._clock.minutes = self._repo.lock_minutes()
        self._clock.touch(self._now())
        self._arm()

    def _viewed(self, patient_id: int) -> None:
        """One audit entry per opened record, naming who unlocked (else the app's actor)."""
        by = self.clinician.id if self.clinician is not None else None
        try:
            self._repo.record_view(patient_id, by=by)
        except AppError as exc:  # the record is open; the log says why the view is not audited
            log.warning("record view not audited: %s", type(exc).__name__)

    def admin_allows(self) -> bool:
        """Settings are open to anyone until accounts are in use, then only to an admin's PIN."""
        if not self._in_use():
            return True
        admins = [c for c in self._repo.clinicians() if self._repo.is_admin(c.id)]
        dialog = PinDialog(
            admins,
            self._repo.check_admin,
            "Admin PIN",
            "Settings and clinicians are managed by an admin. Enter an admin's PIN.",
            self.window,
        )
        return dialog.exec() == QDialog.DialogCode.Accepted
