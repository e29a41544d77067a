"""Setting a clinician's PIN: the first one freely (it makes its clinician the first admin), then
with the clinician's own current PIN or an admin's; and the idle lock's minutes (an admin's).
Storage decides (storage/accounts.py)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.accounts import MAX_LOCK_MINUTES, AccessDenied, parse_lock_minutes
from desktop_app.core.errors import AppError
from desktop_app.gui.dialogs import error_label
from desktop_app.gui.widgets import heading, hint, named
from desktop_app.storage.repository import Repository


def _secret(name: str) -> QLineEdit:
    field = named(QLineEdit(), name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class SetPinDialog(QDialog):
    """Choose whose PIN, type it twice, and (once accounts are in use) who allows it."""

    def __init__(self, repo: Repository, parent: QWidget | None = None):
        super().__init__(parent)
        self.repo = repo
        self.setWindowTitle("Clinician PIN")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Clinician PIN", level=2))
        first = not repo.accounts_in_use()
        layout.addWidget(
            hint(
                "The first PIN makes its clinician an admin. Once clinicians have PINs, the app "
                "asks for one at start and after it was left idle, and Settings need an admin."
                if first
                else "Change your own PIN with your current one, or anyone's with an admin's PIN."
            )
        )
        form = QFormLayout()
        self.who = named(QComboBox(), "Clinician")
        for clinician in repo.clinicians():
            self.who.addItem(clinician.name, clinician.id)
        self.pin = _secret("New PIN")
        self.again = _secret("New PIN again")
        form.addRow("Clinician", self.who)
        form.addRow("New PIN", self.pin)
        form.addRow("Again", self.again)
        self.by = named(QComboBox(), "Allowed by")
        for clinician in repo.clinicians():
            if repo.has_pin(clinician.id):
                self.by.addItem(clinician.name, clinician.id)
        self.by_pin = _secret("Their current PIN")
        self.admin = named(
            QCheckBox("Admin (Settings, clinicians, others' PINs)"), "Admin", "An admin's act"
        )
        if not first:
            form.addRow("Allowed by", self.by)
            form.addRow("Their PIN", self.by_pin)
            form.addRow("", self.admin)
        self.who.currentIndexChanged.connect(self._show_role)
        layout.addLayout(form)
        self.error = error_label()  # grows with a wrapped message (widgets.WrapLabel)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.lift = buttons.addButton("Lift lock-out", QDialogButtonBox.ButtonRole.ActionRole)
        self.lift.setAutoDefault(False)
        self.lift.clicked.connect(self._lift)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_role()

    def _show_role(self) -> None:
        chosen = self.who.currentData()
        self.admin.setChecked(chosen is not None and self.repo.is_admin(int(chosen)))
        until = None if chosen is None else self.repo.locked_out_until(int(chosen))
        self.lift.setVisible(until is not None)  # only for a clinician locked out
        self.error.setText(
            f"{self.who.currentText()} is locked out after wrong PINs until "
            f"{until.astimezone():%H:%M}: an admin can lift it here."
            if until is not None
            else ""
        )

    def _lift(self) -> None:
        """An admin (Allowed by, their PIN) ends the chosen clinician's lock-out."""
        if self.by.currentData() is None or self.who.currentData() is None:
            self.error.setText("No clinician who works here has a PIN to allow this.")
            return
        try:
            self.repo.lift_lockout(
                int(self.who.currentData()),
                by=int(self.by.currentData()),
                by_pin=self.by_pin.text(),
            )
        except AppError as exc:
            self.error.setText(str(exc))
            self.by_pin.clear()
            return
        self._show_role()
        self.error.setText(f"{self.who.currentText()} can use their PIN again.")

    def _save(self) -> None:
        if self.who.currentData() is None:  # no clinician yet (the first-run set-up skipped)
            self.error.setText("Add a clinician first, in File › Settings and backups.")
            return
        if self.pin.text() != self.again.text():
            self.error.setText("The two PINs differ. Type the new PIN twice.")
            return
        target = int(self.who.currentData())
        first = not self.repo.accounts_in_use()
        if not first and self.by.currentData() is None:
            self.error.setText("No clinician who works here has a PIN to allow this.")
            return
        by = target if first else int(self.by.currentData())
        try:
            self.repo.set_pin(
                target, self.pin.text(), by=by, by_pin=None if first else self.by_pin.text()
            )
            if not first and self.admin.isChecked() != self.repo.is_admin(target):
                self.repo.set_admin(
                    target, self.admin.isChecked(), by=by, by_pin=self.by_pin.text()
                )
        except AppError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class LockMinutesDialog(QDialog):
    """How many idle minutes before the window locks: an admin's setting, with their PIN."""

    def __init__(self, repo: Repository, parent: QWidget | None = None):
        super().__init__(parent)
        self.repo = repo
        self.setWindowTitle("Idle lock")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Idle lock", level=2))
        layout.addWidget(
            hint(
                "Once clinicians have PINs, the window locks after this many minutes without a "
                f"key press or click ({MAX_LOCK_MINUTES} at most). An admin's PIN changes it."
            )
        )
        form = QFormLayout()
        self.minutes = named(QLineEdit(str(repo.lock_minutes())), "Idle minutes before the lock")
        self.admin = named(QComboBox(), "Admin")
        for clinician in repo.clinicians():
            if repo.is_admin(clinician.id):
                self.admin.addItem(clinician.name, clinician.id)
        self.admin_pin = _secret("Admin's PIN")
        form.addRow("Lock after (minutes)", self.minutes)
        form.addRow("Admin", self.admin)
        form.addRow("Admin's PIN", self.admin_pin)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.minutes.selectAll()
        self.minutes.setFocus()

    def _save(self) -> None:
        try:
            minutes = parse_lock_minutes(self.minutes.text())
            if self.admin.currentData() is None:
                raise AccessDenied(
                    "No admin who works here has a PIN yet: give a clinician the first PIN "
                    "(File › Clinician PIN…), which makes them the admin."
                )
            self.repo.save_lock_minutes(
                minutes, by=int(self.admin.currentData()), by_pin=self.admin_pin.text()
            )
        except AppError as exc:
            self.error.setText(str(exc))
            self.admin_pin.clear()
            return
        self.accept()
