"""The wait for the disk after an autosave, off the GUI thread (issue 17).

Each edit is committed on the GUI thread without waiting for the disk
(storage/autosave.py); this worker then fsyncs the write-ahead log, and only then does the window
say "✔ Saved". Edits made while a sync runs are covered by the next one, so a burst of clicks costs
one or two waits, and a busy disk no longer stalls a click.

A pipe wakes the worker and plain integers report back; the GUI thread looks at what it reported
on a short timer, only while a sync is pending. After each sync the worker also moves the audit
anchor to the commits it covered (storage/anchor.py); the cyclic collector runs on the GUI thread
only (gui/gui_thread_collector.py), so what that allocates is never collected on the worker.
"""

from __future__ import annotations

import _thread
import logging
import os

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.storage.autosave import sync_wal

log = logging.getLogger(__name__)
LOOK_MS = 5  # how often the GUI thread looks whether the disk has confirmed
QUIT_WAIT_S = 10.0  # the most quitting waits for a disk that does not answer
NOT_ON_DISK = (
    "Your last changes are in the database, but the disk did not confirm writing them ({why}). "
    "They could be lost if the computer loses power. Check the disk (is it full, or removed?), "
    "then restart the app to see what was kept."
)


class DiskSync(QObject):
    """`synced` once the disk holds every commit so far; `failed(message)` when it refused.

    The worker starts with the first commit and ends at `flush` (leaving a visit, quitting).
    """

    synced = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._wal = ""
        self._asked = 0  # commits handed over (GUI thread)
        self._done = 0  # of those, the count the worker's last finished sync covers
        self._error = ""  # the worker's last failure, "" when none
        self._pipe: tuple[int, int] | None = None  # wakes the worker: (its end, ours)
        self._ended: _thread.LockType | None = None  # held while the worker runs
        self._look = QTimer(self)
        self._look.setInterval(LOOK_MS)
        self._look.timeout.connect(self._report)

    @property
    def pending(self) -> bool:
        """True while a commit is not yet known to be on the disk."""
        return self._done < self._asked

    def committed(self, wal: str) -> None:
        """After an autosave commit (GUI thread): have the log synced, report when done."""
        self._wal = wal
        self._asked += 1
        if self._pipe is None:
            self._pipe = os.pipe()
            self._ended = _thread.allocate_lock()
            self._ended.acquire()
            # Not threading.Thread: its start() waits until the new thread runs, a scheduler
            # round trip the click paid (milliseconds on a busy machine); the pipe already
            # holds the request when the worker comes to read it.
            _thread.start_new_thread(self._work, (self._pipe[0], self._ended))
        os.write(self._pipe[1], b"s")
        if not self._look.isActive():
            self._look.start()

    def flush(self) -> None:
        """Wait here until the disk holds every commit so far, then end the worker."""
        waited = self.pending
        if waited:
            try:
                sync_wal(self._wal)  # here: one more fsync is simpler than a handshake
            except OSError as exc:
                self._error = exc.strerror or str(exc)
            else:
                self._done = self._asked
        if waited or self._error:  # a refusal the timer has not looked at yet is said now
            self._report()
        if self._pipe is not None and self._ended is not None:
            os.write(self._pipe[1], b"q")
            if self._ended.acquire(timeout=QUIT_WAIT_S):  # at most the fsync it is in
                self._ended.release()
            os.close(self._pipe[1])
            self._pipe, self._ended = None, None

    def _report(self) -> None:
        pending = self.pending  # before the error: the worker sets its error before its count
        if self._error:
            why, self._error = self._error, ""
            log.warning("autosave not confirmed by the disk: %s", why)
            self._done = self._asked  # said once; the next edit's sync tries again
            self._look.stop()
            self.failed.emit(NOT_ON_DISK.format(why=why))
        elif not pending:
            self._look.stop()
            self.synced.emit()

    def _work(self, wake: int, ended: _thread.LockType) -> None:
        # Blocks until commits come (several at once); ends at "q", or when flush gave up
        # waiting for it and closed the pipe (an empty read: never a loop of fsyncs).
        try:
            while os.read(wake, 64)[-1:] not in (b"q", b""):
                covers, wal = self._asked, self._wal  # every commit counted so far is in the log
                try:
                    sync_wal(wal)
                except OSError as exc:
                    self._error = exc.strerror or "the disk refused"
                self._done = max(self._done, covers)
        finally:
            os.close(wake)
            ended.release()
