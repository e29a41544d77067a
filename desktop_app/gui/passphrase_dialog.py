"""At start, the passphrase of an encrypted database (storage/encryption.py), asked until it
opens the file or the user gives up. A lost passphrase means lost records: the message says so.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from desktop_app.storage import encryption


def ask_passphrase(db_path: Path) -> bool:
    """True when the database can be opened: not encrypted, a passphrase already given, or the
    one typed now opens it. False when the user cancels."""
    if not encryption.available() or encryption.passphrase():
        return True  # without SQLCipher, opening says the file is not a database (or encrypted)
    if not encryption.is_encrypted(db_path):
        return True
    while True:
        text, ok = QInputDialog.getText(
            None,
            "Encrypted database",
            f"{db_path.name} is encrypted. Enter its passphrase:",
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return False
        try:
            encryption.check(db_path, text)
        except encryption.PassphraseNeeded as exc:
            QMessageBox.warning(None, "Wrong passphrase", str(exc))
            continue
        encryption.give(text)
        return True
