"""The main window: patient list and search, patient page, visit editor, menus and shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import StorageError
from desktop_app.gui.patient_list import PatientList
from desktop_app.gui.patient_page import PatientPage
from desktop_app.gui.red_flag_banner import RedFlagBanner
from desktop_app.gui.search_delay import SearchDelay
from desktop_app.gui.visit_actions import VisitActions
from desktop_app.gui.widgets import heading, named

if TYPE_CHECKING:  # the dialogs are imported when first opened, not on the window's start path
    from desktop_app.core.records import Patient
    from desktop_app.gui.operations import Operations
    from desktop_app.gui.startup_checks import StartupChecks
    from desktop_app.gui.visit_editor import VisitEditor

APP_TITLE = "Gluteal Assess"
Shortcut = QKeySequence.StandardKey | str | None
WELCOME = (
    "<h2>Welcome</h2><p>There are no patients in this database yet. To start:</p><ol>"
    "<li>Create a patient: <b>New patient</b> (Ctrl+N).</li>"
    "<li>Start a visit from the patient's page: <b>New visit…</b> (Ctrl+Shift+N).</li>"
    "<li>Record history, examination, body chart and measures; the differential on the right "
    "updates as you go. Everything is saved automatically.</li>"
    "<li>Sign the visit when done and export the PDF (Ctrl+E).</li></ol>"
)
CHOOSE = "<h2>Choose a patient</h2><p>Select a patient on the left, or search with Ctrl+F.</p>"


class MainWindow(VisitActions):
    """The application window over one open database."""

    patientOpened = Signal(int)  # a patient's record was opened (gui/session_lock.py audits it)

    def __init__(self, ops: Operations, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.ops = ops
        ops.window = self
        self.store = settings
        self.patient: Patient | None = None
        self._editor: VisitEditor | None = None
        self.startup_checks: StartupChecks | None = None
        self.pending_visit: int | None = None  # the last session's visit, not yet reopened
        self.may_open_settings: Callable[[], bool] = lambda: True  # an admin's PIN, once in use
        self._build()
        self._actions()
        self._apply_read_only()
        ops.patientsChanged.connect(self.refresh_patients)
        ops.visitStatusChanged.connect(lambda _id: self.page.refresh())
        ops.databaseReplaced.connect(self._database_replaced)
        self.refresh_patients()
        self._restore_state()

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.banner = RedFlagBanner()
        outer.addWidget(self.banner)
        self.read_only_bar = QLabel()
        self.read_only_bar.setObjectName("readOnlyBar")
        self.read_only_bar.setWordWrap(True)
        self.read_only_bar.hide()
        outer.addWidget(self.read_only_bar)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left.setObjectName("sidebar")
        side = QVBoxLayout(left)
        side.addWidget(heading("Patients", level=2))
        self.search = named(QLineEdit(), "Search patients by name, date of birth or clinic ID")
        self.search.setPlaceholderText("Search name, birth date, ID… (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search_delay = SearchDelay(self.search, self.refresh_patients)
        self.search.returnPressed.connect(self._open_first_match)
        self.list = PatientList()
        self.list.itemActivated.connect(self._patient_chosen)
        self.list.itemClicked.connect(self._patient_chosen)
        self.new_patient_button = named(QPushButton("New patient"), "Create a new patient")
        self.new_patient_button.setObjectName("primary")
        self.new_patient_button.clicked.connect(self.new_patient)
        for widget in (self.search, self.list, self.new_patient_button):
            side.addWidget(widget)
        self.splitter.addWidget(left)
        self.stack = QStackedWidget()
        self.welcome = QLabel()
        self.welcome.setWordWrap(True)
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.welcome.setObjectName("welcome")
        self.page = PatientPage(self.ops)
        self.page.visitOpened.connect(self.open_visit)
        self.page.newVisitRequested.connect(self.new_visit)
        self.page.editRequested.connect(self.edit_patient)
        for page in (self.welcome, self.page):
            self.stack.addWidget(page)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 1)  # the list gives up a little room on a small
        self.splitter.setStretchFactor(1, 4)  # window, the visit most of it
        self.splitter.setSizes([260, 1100])
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.status_text = QLabel(f"Database: {self.ops.repo.path}")
        self.status_text.setObjectName("hint")
        self.statusBar().addPermanentWidget(self.status_text)

    def _action(
        self, menu_name: str, text: str, slot: Callable[[], object], shortcut: Shortcut = None
    ) -> QAction:
        menu = self._menus.get(menu_name) or self.menuBar().addMenu(menu_name)
        self._menus[menu_name] = menu
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _actions(self) -> None:
        self._menus: dict[str, QMenu] = {}
        std = QKeySequence.StandardKey
        self.new_patient_action = self._action("&File", "&New patient…", self.new_patient, std.New)
        self.new_visit_action = self._action("&File", "New &visit…", self.new_visit, "Ctrl+Shift+N")
        self.edit_patient_action = self._action(
            "&File", "Edit &patient details…", self.edit_patient
        )
        self.export_action = self._action(
            "&File", "&Export visit summary…", lambda: self.export_visit("summary"), "Ctrl+E"
        )
        self._action("&File", "&Settings and backups…", self.open_settings, std.Preferences)
        self._action("&File", "&Quit", self.close, std.Quit)
        self._action("&Edit", "&Undo", lambda: self._edit("undo"), std.Undo)
        self._action("&Edit", "&Redo", lambda: self._edit("redo"), "Ctrl+Shift+Z")
        self._action("&Edit", "&Find patient", self.focus_search, std.Find)
        self.save_action = self._action("&Visit", "&Save now", self.save_now, std.Save)
        self.date_action = self._action("&Visit", "Change visit &date…", self.change_visit_date)
        self.sign_action = self._action("&Visit", "Si&gn…", self.sign_visit)
        self.amend_action = self._action("&Visit", "&Amend…", self.amend_visit)
        self._action("&Visit", "Show or hide the &differential", self._toggle_panel, "Ctrl+D")
        self._action("&Help", "&How to start", self._show_help, std.HelpContents)
        from desktop_app.gui import exchange_actions  # FHIR, CSV, import and About

        exchange_actions.install(self)

    def _apply_read_only(self) -> None:
        """Title, bar, actions and open views follow the repository's read-only state."""
        repo = self.ops.repo
        self.setWindowTitle(APP_TITLE + (" (read-only)" if repo.read_only else ""))
        self.read_only_bar.setText(f"Read-only: {repo.read_only_reason}")
        self.read_only_bar.setVisible(repo.read_only)
        for action in (
            self.new_patient_action,
            self.new_visit_action,
            self.edit_patient_action,
            self.date_action,
            self.sign_action,
            self.amend_action,
        ):
            action.setEnabled(not repo.read_only)
        self.new_patient_button.setEnabled(not repo.read_only)
        if self.page.patient is not None:
            self.page.show_patient(self.page.patient)
        if self._editor is not None and self._editor.visit is not None:
            self._editor.reload_visit()

    def enter_read_only(self, reason: str) -> None:
        """Stop all changes from this window (the file is damaged); typing so far is saved first."""
        self._flush_editor()
        self.ops.repo.read_only = True
        self.ops.repo.read_only_reason = reason
        self._apply_read_only()

    # -- patients ---------------------------------------------------------------------------
    def refresh_patients(self) -> None:
        """Reload the patient list for the current search text."""
        current = self.patient.id if self.patient else None
        self.list.show_patients(self.ops.search_patients(self.search.text().strip()), current)
        if self.stack.currentWidget() is self.welcome:
            self._show_welcome()

    def _show_welcome(self) -> None:
        empty = not self.ops.repo.has_patients()  # at every keystroke: never count 1M rows
        self.welcome.setText(WELCOME if empty else CHOOSE)
        self.stack.setCurrentWidget(self.welcome)

    def _patient_chosen(self, item: QListWidgetItem) -> None:
        self.show_patient(int(item.data(Qt.ItemDataRole.UserRole)))

    def _open_first_match(self) -> None:
        self.search_delay.flush()
        if self.list.count():
            self._patient_chosen(self.list.item(0))

    def show_patient(self, patient_id: int) -> None:
        """Open a patient's page."""
        patient = self.ops.get_patient(patient_id)
        if patient is None:
            return
        self._flush_editor()
        self.patient = patient
        self.list.select_patient(patient.id)  # the row highlighted is the patient shown
        self._remember(patient.id, None)
        self.page.show_patient(patient)
        self.show_patient_page(filled=True)
        self.patientOpened.emit(patient.id)

    def show_patient_page(self, filled: bool = False) -> None:
        """Back to the patient page (filled: show_patient has just filled it, once)."""
        self._flush_editor()
        self.banner.reset()
        if self.patient is not None and not filled:  # show_patient has just remembered it
            self._remember(self.patient.id, None)
        if self.patient is None:
            self._show_welcome()
            return
        if not filled:
            self.page.refresh()
        self.stack.setCurrentWidget(self.page)
        self.page.new_visit.setFocus()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def new_patient(self) -> None:
        """Ctrl+N: the new-patient dialog."""
        from desktop_app.gui.dialogs import PatientDialog, duplicate_choice

        dialog = PatientDialog(self)
        if dialog.exec() != PatientDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        same = self.ops.same_patients(values[0], values[1])
        if same:
            choice = duplicate_choice(self, same)
            if choice is None:
                return
            if choice:  # open the patient already recorded instead
                self.search.clear()
                self.show_patient(same[0].id)
                return
        patient = self.ops.create_patient(*values)
        if patient is not None:
            self.search.clear()
            self.show_patient(patient.id)

    def edit_patient(self) -> None:
        """Correct the open patient's details in the patient dialog, pre-filled."""
        if self.patient is None or self.ops.repo.read_only:
            return
        from desktop_app.gui.dialogs import PatientDialog

        dialog = PatientDialog(self, self.patient)
        if dialog.exec() != PatientDialog.DialogCode.Accepted:
            return
        patient = self.ops.update_patient(self.patient, *dialog.values())
        if patient is None:  # not saved (e.g. changed on another workstation): show what is stored
            self.show_patient(self.patient.id)
        else:
            self.patient = patient
            self.page.show_patient(patient)
            self.statusBar().showMessage("Patient details saved.", 4000)

    # -- visits -----------------------------------------------------------------------------
    def new_visit(self) -> None:
        """Ctrl+Shift+N: choose type and complaint, then open the new visit."""
        if self.patient is None:
            self.statusBar().showMessage("Choose or create a patient first.", 5000)
            return
        visits = self.ops.repo.list_visits(self.patient.id)
        previous = self.ops.open_visit(visits[0].id) if visits else None
        from desktop_app.gui.visit_dialog import VisitDialog

        dialog = VisitDialog(self.ops.kb, previous, self)
        if dialog.exec() != VisitDialog.DialogCode.Accepted:
            return
        visit_type, presentations = dialog.values()
        visit = self.ops.start_visit(self.patient, visit_type, presentations, dialog.day())
        if visit is not None:
            self.open_visit(visit.id)

    def open_visit(self, visit_id: int) -> None:
        """Show a visit in the editor."""
        visit = self.ops.open_visit(visit_id)
        if visit is None:
            return
        if self.patient is None or self.patient.id != visit.patient_id:
            self.patient = self.ops.repo.get_patient(visit.patient_id)
            self.page.show_patient(self.patient)
        self.editor.load(visit, self.patient)
        self.stack.setCurrentWidget(self.editor)
        self._remember(visit.patient_id, visit.id)

    def _remember(self, patient_id: int, visit_id: int | None) -> None:
        """Written at once, so a crash or kill still reopens the same patient and visit."""
        self.store.setValue("last_patient", patient_id)
        if visit_id is None:
            self.store.remove("last_visit")
        else:
            self.store.setValue("last_visit", visit_id)
        self.store.sync()

    def _toggle_panel(self) -> None:
        """Ctrl+D: room for the form on a small screen, the differential back when wanted."""
        if self._editor is not None and self.stack.currentWidget() is self._editor:
            self._editor.panel_button.click()  # as the button: the choice is the user's

    def save_now(self) -> None:
        """Ctrl+S: everything is autosaved; flush typing and say so."""
        self._flush_editor()
        self.statusBar().showMessage("All changes are saved automatically.", 4000)

    # -- settings, help, state --------------------------------------------------------------
    def open_settings(self) -> None:
        if self.may_open_settings():
            from desktop_app.gui.settings_dialog import SettingsDialog

            SettingsDialog(self.ops, self).exec()

    def _database_replaced(self) -> None:
        self.patient = None
        if self._editor is not None:
            self._editor.visit = None
        self.banner.reset()
        self._show_welcome()

    def _show_help(self) -> None:
        QMessageBox.information(self, "How to start", WELCOME)

    def _edit(self, what: str) -> None:
        """Undo or redo in the focused text field."""
        widget = QApplication.focusWidget()
        if isinstance(widget, QLineEdit | QPlainTextEdit):
            getattr(widget, what)()

    def _restore_state(self) -> None:
        geometry = self.store.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 860)
        splitter = self.store.value("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        patient_id = self.store.value("last_patient")
        visit_id = self.store.value("last_visit")
        if patient_id is None:
            self._show_welcome()
            return
        try:
            patient = self.ops.repo.get_patient(int(patient_id))
        except (ValueError, StorageError):  # a deleted patient or a restored older database
            self._show_welcome()
            return
        self.patient = patient
        self.page.show_patient(patient)
        self.stack.setCurrentWidget(self.page)
        if visit_id is not None:  # opened by reopen_last_visit, after the first paint
            self.pending_visit = int(visit_id)

    def reopen_last_visit(self) -> None:
        """Open the visit that was open when the app last closed (if any; once)."""
        visit_id, self.pending_visit = self.pending_visit, None
        if visit_id is not None:
            self.open_visit(visit_id)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save typing and the window state, let the start-up backup end, close the database."""
        self._flush_editor()
        for job in (self.export_job, self.exchange_job):  # stops reading, or ends the write
            if job is not None:
                job.cancel()
                job.wait()
        if self.startup_checks is not None:
            self.startup_checks.stop_for_quit()  # never waits for a check or a copy
        self.store.setValue("geometry", self.saveGeometry())
        self.store.setValue("splitter", self.splitter.saveState())
        self.store.sync()
        self.ops.repo.close()
        super().closeEvent(event)
