"""Setting a clinician's PIN: the first one freely (it makes its clinician the first admin), then
with the clinician's own current PIN or an admin's. Storage decides (storage/accounts.py)."""

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
        self._show_role()
        layout.addLayout(form)
        self.error = error_label()  # grows with a wrapped message (widgets.WrapLabel)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _show_role(self) -> None:
        chosen = self.who.currentData()
        self.admin.setChecked(chosen is not None and self.repo.is_admin(int(chosen)))

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
