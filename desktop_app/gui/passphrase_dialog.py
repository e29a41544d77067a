"""At start, the passphrase of an encrypted database (storage/encryption.py), asked until it
opens the file or the user gives up. A lost passphrase means lost records: the message says so.

"Remember on this computer" keeps it in the OS keyring (storage/keychain.py), only when ticked;
a passphrase remembered before opens the file without asking. Without a usable keyring the box
is disabled and the reason shown.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.dialogs import error_label
from desktop_app.storage import encryption, keychain


class PassphraseDialog(QDialog):
    """Asks for the passphrase; accepted only once it opens db_path (then it is given)."""

    def __init__(self, db_path: Path, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.setWindowTitle("Encrypted database")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{db_path.name} is encrypted. Enter its passphrase:"))
        self.field = QLineEdit()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setAccessibleName("Passphrase")
        layout.addWidget(self.field)
        self.remember = QCheckBox("&Remember on this computer (in the system keyring)")
        layout.addWidget(self.remember)
        why = keychain.unavailable_reason()
        self.keyring_note = QLabel(
            f"Cannot be remembered here: {why}. It is asked at each start." if why else ""
        )
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setVisible(bool(why))
        self.remember.setEnabled(why is None)
        layout.addWidget(self.keyring_note)
        self.error = error_label()  # the error colour of every dialog, in light and dark
        self.error.setText(note)
        self.error.setVisible(bool(note))
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.field.setFocus()

    def accept(self) -> None:
        text = self.field.text()
        try:
            if not text:
                raise encryption.PassphraseNeeded("Enter the database's passphrase.")
            encryption.check(self.db_path, text)
        except encryption.PassphraseNeeded as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            self.field.selectAll()
            self.field.setFocus()
            return
        encryption.give(text)
        if self.remember.isChecked():
            try:
                keychain.remember(self.db_path, text)
            except keychain.KeyringUnavailable as exc:
                QMessageBox.warning(self, "Passphrase not remembered", str(exc))
        super().accept()


def ask_passphrase(db_path: Path) -> bool:
    """True when the database can be opened: not encrypted, a passphrase already given (or
    remembered in the keyring and still right), or the one typed now opens it. False when the
    user cancels."""
    if not encryption.available() or encryption.passphrase():
        return True  # without SQLCipher, opening says the file is not a database (or encrypted)
    if not encryption.is_encrypted(db_path):
        return True
    note = ""
    remembered = keychain.recall(db_path)
    if remembered is not None:
        try:
            encryption.check(db_path, remembered)
        except encryption.PassphraseNeeded:
            note = (
                "The passphrase remembered on this computer no longer opens this database (was "
                "it changed?). Enter the current one."
            )
        else:
            encryption.give(remembered)
            return True
    return PassphraseDialog(db_path, note).exec() == QDialog.DialogCode.Accepted
