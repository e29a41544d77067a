"""Start the Qt application: open the database (errors in a dialog), show the window, then check
and back up the file in the background."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import paths
from desktop_app.core.errors import AppError, KnowledgeBaseError
from desktop_app.gui.app_fonts import register_app_fonts
from desktop_app.gui.first_paint import after_first_paint
from desktop_app.gui.gui_thread_collector import collect_on_gui_thread, freeze_start_up
from desktop_app.gui.lost_on_disk import show_notice
from desktop_app.gui.main_window import APP_TITLE, MainWindow
from desktop_app.gui.operations import Operations
from desktop_app.gui.passphrase_dialog import ask_passphrase
from desktop_app.gui.preferences import adopt_database_choice, app_settings
from desktop_app.gui.session_lock import SessionLock
from desktop_app.gui.startup_checks import StartupChecks, run_in
from desktop_app.gui.style import apply_style
from desktop_app.storage.database import defer_quick_check, unclean_shutdown

if TYPE_CHECKING:  # the composition root hands itself down; the GUI never imports it
    from desktop_app.app import App

log = logging.getLogger(__name__)
KB_FAILED = "The knowledge base cannot be loaded"


def configure(app: QApplication) -> None:
    """Application name, style and style sheet; cyclic garbage collected on this thread only."""
    # Before the first paint (read once): Qt hands a fill of 96+ spans to a thread pool and
    # waits for it; a scroll bar's repaint then cost more than the fill (py-spy, issue 17).
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
    collect_on_gui_thread(app)
    app.setApplicationName(paths.APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setStyle("Fusion")
    register_app_fonts()  # before any text is laid out: Devanagari names in the fallback fonts
    apply_style(app)  # light or dark, as the system palette
    if QLocale.system().language() == QLocale.Language.C:
        # No locale configured (a bare kiosk or CI): "22 11 2026" is ambiguous; use day/month/year.
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))


def open_window(root: App, *, reopen_after_paint: bool = False) -> MainWindow | None:
    """Open the repository and the main window; None after showing why it could not open.

    The last session's visit is reopened at once, or with reopen_after_paint once the window has
    painted (the app's start: the window shows without waiting for the visit, and the knowledge
    base is read after the first paint unless the first screen needs it; a knowledge base that
    cannot be loaded then closes the window with the same message).
    """
    if not reopen_after_paint and not _knowledge_base_loads(root, None):
        return None
    # A file that was not closed cleanly is checked before anything is written to it; a clean
    # one is checked by StartupChecks right after the window is shown.
    db_path = root.database_path()
    if root.server_url() is None and not ask_passphrase(db_path):  # an encrypted file
        return None
    checked_at_open = unclean_shutdown(db_path)
    try:
        with defer_quick_check():
            repo = root.open_repository()
        keep = None if repo.read_only else repo.settings().backups_to_keep
    except AppError as exc:
        QMessageBox.critical(None, "The database cannot be opened", str(exc))
        return None
    try:  # a returning user's patient page reads the knowledge base (its measures)
        window = MainWindow(Operations(repo, reopen=root.open_repository), app_settings())
    except KnowledgeBaseError as exc:
        repo.close()
        QMessageBox.critical(None, KB_FAILED, str(exc))
        return None
    window.show()
    last_visit = window.pending_visit  # open when the app stopped: the one a power cut hit
    if reopen_after_paint:
        after_first_paint(window, lambda: _after_first_paint(root, window, last_visit))
    else:
        window.reopen_last_visit()
        after_first_paint(window, lambda: show_notice(window, last_visit))
    SessionLock(window).start()  # asks for a PIN once clinicians have one (owned by window)
    if repo.server is None:  # a clinic server checks itself; its admin backs it up (pg_dump)
        # Checked at open, or today's clean check still holds (storage/check_record.py): not due.
        check = not checked_at_open and not repo.check_covered
        checks = StartupChecks(db_path, check=check, backup_keep=keep)
        run_in(window, checks, after_paint=reopen_after_paint)
    return window


def _knowledge_base_loads(root: App, window: MainWindow | None) -> bool:
    """Load (and validate) the knowledge base now; False after saying why it cannot be."""
    try:
        root.knowledge_base()
    except AppError as exc:
        QMessageBox.critical(window, KB_FAILED, str(exc))
        return False
    return True


def _after_first_paint(root: App, window: MainWindow, last_visit: int | None) -> None:
    """The knowledge base (if the first screen did not need it), the last visit, then what a
    power cut took before the disk held it (if it took anything); then what start-up made is
    kept out of the cyclic collector's passes."""
    if not _knowledge_base_loads(root, window):
        window.close()
        QApplication.exit(2)
        return
    window.reopen_last_visit()
    show_notice(window, last_visit)
    freeze_start_up()


def offer_set_up(window: MainWindow) -> None:
    """The first-run set-up (clinic and clinician) while the database names no clinician."""
    from desktop_app.gui.clinician_dialogs import FirstRunDialog

    if window.isVisible() and window.ops.repo.needs_set_up():
        FirstRunDialog(window.ops, window).exec()


def _crash_handler(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Bugs: log the traceback (no patient data in it) and tell the user; the data is saved."""
    log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
    QMessageBox.critical(
        None,
        "Unexpected error",
        "Something went wrong inside the app. Everything recorded so far was saved.\n\n"
        f"Details were written to the log in {paths.log_dir()}.",
    )


def run_gui(root: App) -> int:
    """Entry point from the composition root (desktop_app.app), which chose the database."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    configure(app)
    sys.excepthook = _crash_handler
    adopt_database_choice()
    window = open_window(root, reopen_after_paint=True)
    if window is None:
        return 2
    QTimer.singleShot(0, lambda: offer_set_up(window))  # once the window is drawn
    return app.exec()
