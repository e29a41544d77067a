"""After the window is shown: check the file and take the start-up backup on a worker thread.

Both read the whole file (about 0.2 s per 100 MB each), so they no longer delay the first window.
The worker opens connections of its own, read-only: the window's connection stays the one
writer. A damaged file is reported before any backup is taken, so a damaged copy never rotates
a sound backup out.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from desktop_app.core.errors import AppError
from desktop_app.storage.backup import startup_backup
from desktop_app.storage.backup_due import not_due
from desktop_app.storage.database import quick_check
from desktop_app.storage.errors import DatabaseCorrupt

if TYPE_CHECKING:
    from desktop_app.gui.main_window import MainWindow

log = logging.getLogger(__name__)
CHECKING = "Checking the database file"
DAMAGED = (
    "This database file failed its integrity check. To keep the damage from spreading, the app "
    "is now read-only: you can still read the records, but nothing more will be saved. No backup "
    "was taken, so the existing backups stay sound."
)
SKIPPED = "No start-up backup: the database holds no patients yet."


class StartupChecks(QObject):
    """Runs `quick_check` then `startup_backup` once; its signals arrive in the GUI thread."""

    damaged = Signal(str)  # the plain-language DatabaseCorrupt message
    backupFailed = Signal(str)
    backupDone = Signal()
    backupSkipped = Signal()  # nothing to back up yet (no patients): no real backup rotated out
    backupNotDue = Signal(str)  # why the newest backup is enough (storage/backup_due.py)
    finished = Signal()

    def __init__(self, path: Path, *, check: bool, backup_keep: int | None) -> None:
        """backup_keep None: no backup (a read-only copy writes nothing, not even beside it)."""
        super().__init__()
        self.path = path
        self.check = check
        self.backup_keep = backup_keep
        self.done = False
        self._stop = threading.Event()  # set by stop(): quitting never waits for a whole copy
        self.finished.connect(self._mark_done)
        self._thread = threading.Thread(target=self._run, name="startup-checks")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Abandon the check and the copy at their next step (the app is quitting)."""
        self._stop.set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the worker ends (tests, shutdown); True if it has ended."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _mark_done(self) -> None:
        self.done = True

    def _run(self) -> None:
        try:
            if self.check:
                try:
                    quick_check(self.path, self._stop)
                except DatabaseCorrupt as exc:
                    log.error("the database failed its integrity check")
                    self.damaged.emit(str(exc))
                    return
                except AppError as exc:  # busy or unreadable right now: the next start checks
                    log.warning("integrity check skipped: %s", type(exc).__name__)
            if self.backup_keep is not None and not self._stop.is_set():
                reason = not_due(self.path)
                if reason:
                    self.backupNotDue.emit(reason)
                    return
                try:
                    made = startup_backup(self.path, self.backup_keep, stop=self._stop)
                except AppError as exc:
                    if self._stop.is_set():  # quitting: the next start backs up
                        log.info("start-up backup stopped: the app is quitting")
                        return
                    # a failed backup must not block the clinic: say so
                    log.warning("start-up backup failed: %s", type(exc).__name__)
                    self.backupFailed.emit(str(exc))
                    return
                (self.backupDone if made is not None else self.backupSkipped).emit()
        except Exception:  # a bug: log it, and say the backup did not happen rather than hang
            if self._stop.is_set():  # interrupted (SQLITE_INTERRUPT): the app is quitting
                log.info("start-up checks stopped: the app is quitting")
                return
            log.exception("start-up checks failed")
            self.backupFailed.emit("an unexpected error (details are in the log)")
        finally:
            self.finished.emit()


def run_in(window: MainWindow, checks: StartupChecks) -> None:
    """Start the checks; the window's status bar follows them, and damage makes it read-only."""
    window.startup_checks = checks
    report = StartupReport(window)
    checks.damaged.connect(report.damaged)
    checks.backupFailed.connect(report.backup_failed)
    checks.backupDone.connect(report.backup_done)
    checks.backupSkipped.connect(report.backup_skipped)
    checks.backupNotDue.connect(report.backup_not_due)
    checks.finished.connect(report.finished)
    if checks.backup_keep is not None:
        window.statusBar().showMessage(f"{CHECKING}, then making the start-up backup…")
    elif checks.check:
        window.statusBar().showMessage(f"{CHECKING}…")
    checks.start()


class StartupReport(QObject):
    """Shows what the checks found in the window (a child of it: gone with the window)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def finished(self) -> None:
        if self.window.statusBar().currentMessage().startswith(CHECKING):
            self.window.statusBar().clearMessage()

    def backup_done(self) -> None:
        self.window.statusBar().showMessage("Start-up backup saved.", 4000)

    def backup_skipped(self) -> None:
        self.window.statusBar().showMessage(SKIPPED, 4000)

    def backup_not_due(self, reason: str) -> None:
        self.window.statusBar().showMessage(f"No start-up backup needed: {reason}.", 4000)

    def backup_failed(self, message: str) -> None:
        self.window.statusBar().showMessage(f"Start-up backup failed: {message}", 15000)

    def damaged(self, message: str) -> None:
        """Stop writing, and say in plain words what happened and what to do."""
        self.window.enter_read_only(
            "the database file is damaged. Nothing more is saved; restore the latest backup."
        )
        self.window.statusBar().showMessage("The database is damaged: read-only.")
        QMessageBox.warning(self.window, "The database is damaged", f"{DAMAGED}\n\n{message}")
