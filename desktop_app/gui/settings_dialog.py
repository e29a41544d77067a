"""Settings: clinic, clinician, logo, page size, data location and backups."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app import workstation
from desktop_app.core.records import Settings
from desktop_app.gui.operations import Operations
from desktop_app.gui.widgets import heading, hint, named
from desktop_app.storage.backup import default_backup_dir

PAGE_SIZES = ("A4", "Letter")
FILE_OPTIONS = QFileDialog.Option.DontUseNativeDialog  # same widgets on every OS, testable


class SettingsDialog(QDialog):
    """Edits the settings stored in the database; backup and restore act at once."""

    def __init__(self, ops: Operations, parent: QWidget | None = None):
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle("Settings")
        self.setMinimumWidth(520)
        current = ops.repo.settings()
        self._settings = current
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Clinic and clinician", level=2))
        form = QFormLayout()
        self.clinic_name = named(QLineEdit(current.clinic_name), "Clinic name")
        self.clinic_address = named(QPlainTextEdit(current.clinic_address), "Clinic address")
        self.clinic_address.setTabChangesFocus(True)
        self.clinic_address.setFixedHeight(60)
        self.clinician = named(QLineEdit(current.clinician_name), "Clinician name")
        self.registration = named(QLineEdit(current.registration_number), "Registration number")
        self.logo = named(QLineEdit(current.logo_path), "Logo image file")
        browse = named(QPushButton("Choose…"), "Choose a logo image")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._choose_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(browse)
        self.page_size = named(QComboBox(), "PDF page size")
        self.page_size.addItems(PAGE_SIZES)
        self.page_size.setCurrentText(current.page_size)
        self.keep = named(QSpinBox(), "Number of start-up backups to keep")
        self.keep.setRange(1, 100)
        self.keep.setValue(current.backups_to_keep)
        form.addRow("Clinic name", self.clinic_name)
        form.addRow("Address", self.clinic_address)
        form.addRow("Clinician", self.clinician)
        form.addRow("Registration no.", self.registration)
        form.addRow("Logo", logo_row)
        form.addRow("PDF page size", self.page_size)
        layout.addLayout(form)
        layout.addWidget(heading("Data and backups", level=2))
        data = QFormLayout()
        location = QLabel(str(ops.repo.path))
        location.setWordWrap(True)
        choose = named(QPushButton("Use another database…"), "Use another database file")
        choose.setAutoDefault(False)
        choose.clicked.connect(self._choose_database)
        database_row = QHBoxLayout()
        database_row.addWidget(location, 1)
        database_row.addWidget(choose)
        data.addRow("Database", database_row)
        self.backup_folder = default_backup_dir(ops.repo.path)
        data.addRow("Backups", QLabel(str(self.backup_folder)))
        data.addRow("Keep", self.keep)
        layout.addLayout(data)
        layout.addWidget(hint("A backup is taken automatically each time the app starts."))
        actions = QHBoxLayout()
        self.backup_button = named(QPushButton("Back up now"), "Back up the database now")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = named(QPushButton("Restore from backup…"), "Restore from a backup")
        self.restore_button.clicked.connect(self.restore)
        for button in (self.backup_button, self.restore_button):
            button.setAutoDefault(False)
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.message = hint("")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if ops.repo.read_only:
            buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            self.restore_button.setEnabled(False)

    def values(self) -> Settings:
        return replace(
            self._settings,
            clinic_name=self.clinic_name.text().strip(),
            clinic_address=self.clinic_address.toPlainText().strip(),
            clinician_name=self.clinician.text().strip(),
            registration_number=self.registration.text().strip(),
            logo_path=self.logo.text().strip(),
            page_size=self.page_size.currentText(),
            backups_to_keep=self.keep.value(),
        )

    def _choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a logo", "", "Images (*.png *.jpg)", options=FILE_OPTIONS
        )
        if path:
            self.logo.setText(path)

    def _choose_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Database to use from the next start",
            str(self.ops.repo.path),
            "Databases (*.sqlite3 *.db)",
            options=FILE_OPTIONS | QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            workstation.choose_database(Path(path))
            self.message.setText(f"From the next start the app opens {path}.")

    def _save(self) -> None:
        if self.ops.save_settings(self.values()):
            self.accept()

    def backup_now(self) -> None:
        done = self.ops.backup_now()
        if done is not None:
            self.message.setText(f"Backup written: {done}")

    def restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Choose a backup",
            str(self.backup_folder),
            "Databases (*.sqlite3 *.db)",
            options=FILE_OPTIONS,
        )
        if not path:
            return
        answer = QMessageBox.question(
            self,
            "Restore backup",
            f"Replace the current database with the backup\n{path}?\n\nThe current database is "
            "kept aside, not deleted.",
        )
        if answer == QMessageBox.StandardButton.Yes and self.ops.restore(Path(path)):
            self.message.setText("The backup was restored.")
