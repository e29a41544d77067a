"""After the window is shown: check the file and take the start-up backup on a worker thread.

Both read the whole file (about 0.2 s per 100 MB each), so they no longer delay the first window;
the check runs only when due (storage/check_record.py). The worker opens connections of its own,
read-only: the window's connection stays the one writer. A damaged file is reported before any
backup is taken, so a damaged copy never rotates a sound backup out.

The worker thread touches no Qt object: it runs a plain function on plain values and puts what it
found in a queue, which the GUI thread reads on a timer and turns into signals. No Qt object is
ever released, deleted or signalled from the worker (a Python-owned QObject whose last reference
was the worker's, or a signal emitted across threads, is how a Qt object ends off its thread).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from desktop_app.core.errors import AppError
from desktop_app.gui.first_paint import after_first_paint
from desktop_app.storage import check_record
from desktop_app.storage.backup import startup_backup
from desktop_app.storage.backup_due import not_due
from desktop_app.storage.database import StopRequest, quick_check
from desktop_app.storage.errors import DatabaseCorrupt

if TYPE_CHECKING:
    from desktop_app.gui.main_window import MainWindow

log = logging.getLogger(__name__)
CHECKING = "Checking the database file"
BACKING_UP = "Making the start-up backup"
DAMAGED = (
    "This database file failed its integrity check. To keep the damage from spreading, the app "
    "is now read-only: you can still read the records, but nothing more will be saved. No backup "
    "was taken, so the existing backups stay sound."
)
SKIPPED = "No start-up backup: the database holds no patients yet."
POLL_MS = 50  # how often the GUI thread reads the worker's findings
QUIT_WAIT_S = 2.0  # a stopped worker ends in milliseconds; quitting never waits longer than this
Post = Callable[[tuple[str, str]], None]


def _work(path: Path, check: bool, backup_keep: int | None, stop: StopRequest, post: Post) -> None:
    """The worker thread: only plain values in, (event, text) pairs out through ``post``.

    When a backup is due, the copy's full integrity_check (checked before the copy is named, so
    a damaged file never rotates a sound backup out) stands for the quick_check: the file is read
    twice, not three times. A copy found damaged is told apart from a damaged file by checking
    the file itself before it is called damaged.
    """
    try:
        reason = not_due(path) if backup_keep is not None else ""
        if backup_keep is not None and not reason and not stop.is_set():
            started = time.time()
            post(("backing_up", ""))
            try:
                made = startup_backup(path, backup_keep, stop=stop)
            except DatabaseCorrupt as exc:
                _check(path, stop, post, failing_copy=str(exc))
                return
            except AppError as exc:
                if stop.is_set():  # quitting: the next start backs up
                    log.info("start-up backup stopped: the app is quitting")
                    return
                # a failed backup must not block the clinic: say so
                log.warning("start-up backup failed: %s", type(exc).__name__)
                post(("failed", str(exc)))
                return
            if made is not None:
                check_record.checked_clean(path, started)  # integrity_check of the whole copy
                post(("done", ""))
                return
            post(("skipped", ""))  # no patients: nothing copied, so nothing checked yet
        if check and not _check(path, stop, post):
            return
        if reason:
            post(("not_due", reason))
    except Exception:  # a bug: log it, and say the backup did not happen rather than hang
        if stop.is_set():  # interrupted (SQLITE_INTERRUPT): the app is quitting
            log.info("start-up checks stopped: the app is quitting")
            return
        log.exception("start-up checks failed")
        post(("failed", "an unexpected error (details are in the log)"))
    finally:
        post(("finished", ""))


def _check(path: Path, stop: StopRequest, post: Post, *, failing_copy: str = "") -> bool:
    """quick_check the file; False when it is damaged (said through ``post``). failing_copy: why
    the start-up backup's copy failed its check, said as a failed backup if the file is sound."""
    try:
        quick_check(path, stop)
    except DatabaseCorrupt as exc:
        log.error("the database failed its integrity check")
        post(("damaged", str(exc)))
        return False
    except AppError as exc:  # busy, unreadable or stopped: the next start checks
        log.warning("integrity check skipped: %s", type(exc).__name__)
    if failing_copy:
        log.warning("start-up backup failed: its copy failed the integrity check")
        post(("failed", failing_copy))
    return True


class StartupChecks(QObject):
    """Runs `quick_check` then `startup_backup` once; its signals are emitted in the GUI thread."""

    damaged = Signal(str)  # the plain-language DatabaseCorrupt message
    backupStarted = Signal()
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
        self.done = False  # every finding delivered and `finished` emitted
        self._stop = StopRequest()  # set by stop(): quitting never waits for a check or a copy
        self._found: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self._thread = threading.Thread(
            target=_work,
            args=(path, check, backup_keep, self._stop, self._found.put),
            name="startup-checks",
            daemon=True,  # a worker stuck in the file system never keeps the app from quitting
        )
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._deliver)

    def start(self) -> None:
        self._thread.start()
        self._poll.start()

    def stop(self) -> None:
        """Abandon the check and the copy at once (the app is quitting)."""
        self._stop.set()

    def stop_for_quit(self) -> None:
        """Stop, and give the worker a moment to close its connections (it ends in ms)."""
        self.stop()
        self.wait(QUIT_WAIT_S)

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the worker ends (tests, shutdown); True if it has ended."""
        if self._thread.ident is not None:
            self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _deliver(self) -> None:
        signals: dict[str, Callable[[str], None]] = {
            "damaged": self.damaged.emit,
            "failed": self.backupFailed.emit,
            "not_due": self.backupNotDue.emit,
            "backing_up": lambda _: self.backupStarted.emit(),
            "done": lambda _: self.backupDone.emit(),
            "skipped": lambda _: self.backupSkipped.emit(),
        }
        while True:
            try:
                event, text = self._found.get_nowait()
            except queue.Empty:
                return
            if event == "finished":
                self._poll.stop()
                self.done = True
                self.finished.emit()
                return
            signals[event](text)


def run_in(window: MainWindow, checks: StartupChecks, *, after_paint: bool = False) -> None:
    """Start the checks (after_paint: once the window has painted its first frame, so that
    they never compete with it); the status bar follows them, and damage makes it read-only."""
    window.startup_checks = checks
    report = StartupReport(window)
    checks.damaged.connect(report.damaged)
    checks.backupStarted.connect(report.backup_started)
    checks.backupFailed.connect(report.backup_failed)
    checks.backupDone.connect(report.backup_done)
    checks.backupSkipped.connect(report.backup_skipped)
    checks.backupNotDue.connect(report.backup_not_due)
    checks.finished.connect(report.finished)
    if checks.check:
        window.statusBar().showMessage(f"{CHECKING}…")
    if after_paint:
        after_first_paint(window, checks.start)
    else:
        checks.start()


class StartupReport(QObject):
    """Shows what the checks found in the window (a child of it: gone with the window)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def finished(self) -> None:
        if self.window.statusBar().currentMessage().startswith((CHECKING, BACKING_UP)):
            self.window.statusBar().clearMessage()

    def backup_started(self) -> None:
        self.window.statusBar().showMessage(f"{BACKING_UP}…")

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
