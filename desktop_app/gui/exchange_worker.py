"""FHIR and CSV exports off the GUI thread, with progress and Cancel (issue 17).

A patient's FHIR record of 2000 visits took 3.5 s on the GUI thread (reading each visit, its
differential, the JSON), a CSV of 2000 visits 0.9 s. As for the PDF (gui/export_worker.py): the
worker reads on a read-only connection of its own (storage.reading_copy) and writes the file;
the audit entry is written back on the GUI thread, in the window's repository.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.core.errors import AppError
from desktop_app.gui.operations import Operations, show_error
from desktop_app.gui.worker_job import ExportCancelled, WorkerJob

if TYPE_CHECKING:
    from desktop_app.exchange.service import OnVisit, Written
    from desktop_app.storage.repository import Repository

log = logging.getLogger(__name__)
Work = Callable[["Repository", "OnVisit"], "Written"]


class ExchangeJob(WorkerJob):
    """One FHIR or CSV export on its worker thread."""

    done = Signal(object)  # the written and audited export (service.Written)
    _ended = Signal(object, object)  # (Written or None, exception or None), from the worker

    def __init__(self, ops: Operations, failed: str, work: Work, parent: QWidget) -> None:
        super().__init__(ops, parent, "exchange-export")
        self.failed = failed  # the error box's title
        self._work_on = work
        self._ended.connect(self._finish)

    def _cancelled_before_start(self) -> None:
        self._finish(None, ExportCancelled())

    def _work(self) -> None:
        from desktop_app.storage.reading_copy import reading_copy

        try:
            with reading_copy(self._source) as copy:
                written = self._work_on(copy, self._on_visit)
            self._ended.emit(written, None)
        except Exception as exc:  # reported on the GUI thread (a bug goes to the crash handler)
            self._ended.emit(None, exc)

    def _finish(self, written: Written | None, exc: Exception | None) -> None:
        from desktop_app.exchange.service import record_written

        try:
            if isinstance(exc, ExportCancelled):
                self.cancelled.emit()
                return
            if exc is not None:
                raise exc
            assert written is not None
            record_written(self._source, written)  # the database it was read from
            self.done.emit(written)
        except AppError as error:
            log.warning("%s: %s", self.failed, type(error).__name__)
            show_error(self.window, self.failed, error)
        finally:
            self.ended = True
            self.finished.emit()


def start_exchange(
    ops: Operations, window: QWidget, title: str, failed: str, work: Work
) -> ExchangeJob:
    """Run `work` on a worker with a progress dialog (after half a second) and Cancel."""
    job = ExchangeJob(ops, failed, work, window)
    progress = QProgressDialog("Reading the records…", "Cancel", 0, 0, window)
    progress.setWindowTitle(title)
    progress.setMinimumDuration(500)
    progress.setAutoReset(False)
    progress.canceled.connect(job.cancel)
    job.reading.connect(
        lambda n, total: progress.setLabelText(f"Reading the records… visit {n} of {total}")
    )
    job.finished.connect(progress.close)
    job.finished.connect(progress.deleteLater)
    QTimer.singleShot(0, job, job.start)  # after the caller has connected its signals
    return job
