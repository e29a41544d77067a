"""Settings: clinic, its clinicians, logo, page size, data location (a file or the clinic
server) and backups."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app import workstation
from desktop_app.core.clinicians import Clinician
from desktop_app.core.errors import AppError
from desktop_app.core.records import Settings
from desktop_app.gui.clinician_dialogs import ClinicianDialog
from desktop_app.gui.operations import Operations
from desktop_app.gui.widgets import heading, hint, named
from desktop_app.storage.backup import default_backup_dir

log = logging.getLogger(__name__)
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
        layout.addWidget(heading("Clinic and clinicians", level=2))
        form = QFormLayout()
        self.clinic_name = named(QLineEdit(current.clinic_name), "Clinic name")
        self.clinic_address = named(QPlainTextEdit(current.clinic_address), "Clinic address")
        self.clinic_address.setTabChangesFocus(True)
        self.clinic_address.setFixedHeight(60)
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
        form.addRow("Clinicians", self._clinicians_box())
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
        self.server = ClinicServerBox(ops, self)
        data.addRow("Clinic server", self.server)
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
            logo_path=self.logo.text().strip(),
            page_size=self.page_size.currentText(),
            backups_to_keep=self.keep.value(),
        )

    def _clinicians_box(self) -> QWidget:
        """The clinicians of this database, with Add and Edit (each saved, and audited, at
        once)."""
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.clinician_list = named(QListWidget(), "Clinicians")
        self.clinician_list.setMaximumHeight(90)
        self.clinician_list.itemActivated.connect(lambda _item: self.edit_clinician())
        buttons = QVBoxLayout()
        self.add_clinician_button = named(QPushButton("Add clinician…"), "Add a clinician")
        self.edit_clinician_button = named(QPushButton("Edit…"), "Edit the chosen clinician")
        self.add_clinician_button.clicked.connect(self.add_clinician)
        self.edit_clinician_button.clicked.connect(self.edit_clinician)
        for button in (self.add_clinician_button, self.edit_clinician_button):
            button.setAutoDefault(False)
            button.setEnabled(not self.ops.repo.read_only)
            buttons.addWidget(button)
        buttons.addStretch(1)
        row.addWidget(self.clinician_list, 1)
        row.addLayout(buttons)
        self._show_clinicians()
        return box

    def _show_clinicians(self, select: int | None = None) -> None:
        self.clinician_list.clear()
        for clinician in self.ops.clinicians(include_inactive=True):
            text = clinician.signature + ("" if clinician.active else " (no longer here)")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, clinician)
            self.clinician_list.addItem(item)
            if clinician.id == select:
                self.clinician_list.setCurrentItem(item)

    def add_clinician(self) -> None:
        dialog = ClinicianDialog(self)
        if dialog.exec() == ClinicianDialog.DialogCode.Accepted:
            name, profession, registration, _ = dialog.values()
            added = self.ops.add_clinician(name, profession, registration)
            if added is not None:
                self._show_clinicians(added.id)

    def edit_clinician(self) -> None:
        item = self.clinician_list.currentItem()
        if item is None:
            return
        clinician: Clinician = item.data(Qt.ItemDataRole.UserRole)
        dialog = ClinicianDialog(self, clinician)
        if dialog.exec() == ClinicianDialog.DialogCode.Accepted:
            name, profession, registration, active = dialog.values()
            changed = replace(
                clinician,
                name=name,
                profession=profession,
                registration_number=registration,
                active=active,
            )
            if self.ops.update_clinician(changed) is not None:
                self._show_clinicians(clinician.id)

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


class ServerTest(QObject):
    """One "Test connection" on a worker thread (up to the connect timeout); its signals arrive
    in the GUI thread."""

    passed = Signal(str)  # what was found
    failed = Signal(str)  # the plain-language reason

    def __init__(self, url: str, parent: QObject) -> None:
        super().__init__(parent)
        self.url = url
        self._thread = threading.Thread(target=self._run, name="server-test", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the test ends (tests, closing); True if it has ended."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _run(self) -> None:
        from desktop_app.storage.postgres.probe import check_server  # psycopg only when asked

        try:
            found = check_server(self.url)
        except AppError as exc:
            self._say(self.failed, str(exc))
            return
        except Exception:  # a bug: logged, and said plainly rather than left spinning
            log.exception("clinic server test failed")
            self._say(self.failed, "The test failed unexpectedly (details are in the log).")
            return
        self._say(self.failed if found.pending else self.passed, found.summary)

    @staticmethod
    def _say(signal: SignalInstance, text: str) -> None:
        try:
            signal.emit(text)
        except RuntimeError:  # the dialog was closed while the test ran: nobody to tell
            log.info("clinic server test ended after its dialog closed")


class ClinicServerBox(QWidget):
    """The clinic server (PostgreSQL) to use instead of a file: its URL, tested, then saved to
    this workstation's settings (desktop_app/workstation.py) for the next start."""

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        current = ops.repo.server.url if ops.repo.server is not None else ""
        try:  # a URL given with --db that holds a password is not shown (nor saved)
            current = workstation.clean_server_url(current) if current else ""
        except AppError:
            current = ""
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.url = named(
            QLineEdit(current or workstation.chosen_server() or ""),
            "Clinic server URL",
            "postgresql://ROLE@SERVER/DATABASE; the password stays in your pgpass file",
        )
        self.url.setPlaceholderText("postgresql://ROLE@SERVER/DATABASE")
        self.test_button = named(QPushButton("Test connection"), "Test the clinic server")
        self.use_button = named(QPushButton("Use this server"), "Use this clinic server")
        row = QHBoxLayout()
        for button in (self.test_button, self.use_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        self.test_button.clicked.connect(lambda: self.test(save=False))
        self.use_button.clicked.connect(lambda: self.test(save=True))
        self.progress = named(QProgressBar(), "Testing the clinic server")
        self.progress.setRange(0, 0)  # busy: a connection attempt has no steps to count
        self.progress.setMaximumHeight(8)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.message = named(hint(""), "Clinic server result")
        column.addWidget(self.url)
        column.addLayout(row)
        column.addWidget(self.progress)
        column.addWidget(self.message)
        self.worker: ServerTest | None = None

    def test(self, *, save: bool) -> None:
        """Test the URL typed (off the GUI thread); `save`: use it from the next start if good."""
        try:
            url = workstation.clean_server_url(self.url.text())
        except AppError as exc:
            self._say(str(exc))
            return
        self._busy(True)
        self._say("Testing the connection…")
        self.worker = ServerTest(url, self)
        self.worker.passed.connect(lambda text: self._passed(url, text, save))
        self.worker.failed.connect(lambda text: self._failed(text, save))
        self.worker.start()

    def _passed(self, url: str, text: str, save: bool) -> None:
        self._busy(False)
        if not save:
            self._say(text)
            return
        try:
            workstation.choose_server(url)
        except (AppError, OSError) as exc:
            self._say(f"{text} It could not be saved: {exc}")
            return
        self._say(f"{text} From the next start the app opens this clinic server.")

    def _failed(self, text: str, save: bool) -> None:
        self._busy(False)
        self._say(f"Not saved: {text}" if save else text)

    def _say(self, text: str) -> None:
        """Show the result, with the room its wrapped lines need (a form row does not grow)."""
        self.message.setText(text)
        self.message.setMinimumHeight(self.message.heightForWidth(max(self.message.width(), 300)))

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        for widget in (self.url, self.test_button, self.use_button):
            widget.setEnabled(not busy)
