"""A job on a worker thread, as the PDF and the FHIR/CSV exports run (issue 17).

The thread starts once the caller has connected the signals (a queued signal emitted before that
would reach no one); Cancel is a flag the worker checks at each visit read (and each page laid
out), raising ExportCancelled; closing the window waits for the thread. The signals arrive on the
GUI thread. Subclasses give the thread's work and what ends a job cancelled before it started.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desktop_app.gui.operations import Operations

READ_EVERY = 20  # visits read between two progress reports (each checks Cancel)


class ExportCancelled(Exception):
    """Raised from a progress hook when the user cancels: nothing is written."""


class WorkerJob(QObject):
    reading = Signal(int, int)  # (visits read, of how many)
    cancelled = Signal()
    finished = Signal()  # after done, cancelled or a failure was shown

    def __init__(self, ops: Operations, parent: QWidget, thread_name: str) -> None:
        super().__init__(parent)
        self.ops = ops
        self._source = ops.repo  # the database to read, as it is now (the window may switch)
        self.window = parent
        self.ended = False
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._work, name=thread_name, daemon=True)

    def start(self) -> None:
        """Start the worker (the start functions do, once their caller connected the signals)."""
        if self._thread.ident is not None:
            return
        if self._cancel.is_set():  # cancelled before it started: it ends as a cancelled one
            self._cancelled_before_start()
            return
        self._thread.start()

    def cancel(self) -> None:
        """Stop at the next visit read or page laid out; nothing is written or audited."""
        self._cancel.set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the worker ends (closing the window); True if it has ended."""
        if self._thread.ident is None:  # never started
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _on_visit(self, number: int, total: int) -> None:
        if self._cancel.is_set():
            raise ExportCancelled
        if number == 1 or number % READ_EVERY == 0 or number == total:
            self.reading.emit(number, total)

    def _work(self) -> None:
        raise NotImplementedError

    def _cancelled_before_start(self) -> None:
        raise NotImplementedError
