"""PDF export off the GUI thread, with progress and cancel (issue 17).

A patient's history of 200 visits is hundreds of pages: laid out on the GUI thread it froze the
window for minutes, and reading its visits one by one took 0.6 s for 2000 visits. The worker
thread reads the records on a read-only connection of its own (storage.reading_copy: the
committed state, one snapshot for the document and its record stamp), then lays out and writes
the PDF (reporting.render_export reads nothing); the export is audited back on the GUI thread,
in the window's repository. Progress and Cancel cover the reading and the pages.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.core.errors import AppError
from desktop_app.core.referral import ReferralLetter
from desktop_app.gui.operations import Operations, show_error
from desktop_app.gui.worker_job import ExportCancelled, WorkerJob

if TYPE_CHECKING:
    from desktop_app.core.knowledge import KnowledgeBase
    from desktop_app.reporting import PreparedExport

log = logging.getLogger(__name__)
FAILED = "Could not export the PDF"
NOT_AUDITED = "PDF written, not audited"


def not_audited_text(written: Path, why: str) -> str:
    return (
        f"{written} was written, but the audit log has no entry for this export: {why} "
        "The file is complete; note the export by hand."
    )


class ExportJob(WorkerJob):
    """One PDF export on its worker thread (the history reads every visit)."""

    page = Signal(int)  # the page being laid out
    done = Signal(object)  # the written and audited file (Path)
    # (PreparedExport or None, Path or None, exception or None), from the worker
    _rendered = Signal(object, object, object)

    def __init__(
        self,
        ops: Operations,
        request: tuple[int, str, Path, int | None, ReferralLetter | None],
        parent: QWidget,
    ) -> None:
        super().__init__(ops, parent, "pdf-export")
        self.kb: KnowledgeBase = ops.kb  # loaded here, on the GUI thread, if not yet
        self.request = request  # visit ID, kind, file, author, letter
        self.job: PreparedExport | None = None  # the records read, once the worker has them
        self._rendered.connect(self._finish)

    def _cancelled_before_start(self) -> None:
        self._finish(None, None, ExportCancelled())

    def _on_page(self, number: int) -> None:
        if self._cancel.is_set():
            raise ExportCancelled
        self.page.emit(number)

    def _work(self) -> None:
        """On the worker: read the records on a connection of its own, then write the PDF."""
        from desktop_app.reporting import prepare_export, render_export
        from desktop_app.storage.reading_copy import reading_copy

        visit_id, kind, out, author, letter = self.request
        job = None
        try:
            if self._cancel.is_set():
                raise ExportCancelled
            with reading_copy(self._source) as copy:
                job = prepare_export(
                    copy,
                    self.kb,
                    visit_id,
                    kind,
                    out,
                    author=author,
                    letter=letter,
                    on_visit=self._on_visit,
                )
            self._rendered.emit(job, render_export(job, self._on_page), None)
        except Exception as exc:  # reported on the GUI thread (a bug goes to the crash handler)
            self._rendered.emit(job, None, exc)

    def _finish(
        self, job: PreparedExport | None, written: Path | None, exc: Exception | None
    ) -> None:
        from desktop_app.reporting import record_export

        self.job = job
        try:
            if isinstance(exc, ExportCancelled):
                self.cancelled.emit()
                return
            if exc is not None:
                raise exc
            assert job is not None and written is not None
            # into the database it was read from (the window may have switched since)
            why = record_export(self._source, job, written).not_audited
            if why:  # the file is complete: say so, and that the log has no entry for it
                QMessageBox.warning(self.window, NOT_AUDITED, not_audited_text(written, why))
            self.done.emit(written)
        except AppError as error:
            log.warning("export failed: %s", type(error).__name__)
            show_error(self.window, FAILED, error)
            return
        finally:
            self.ended = True
            self.finished.emit()


def start_export(
    ops: Operations,
    window: QWidget,
    visit_id: int,
    kind: str,
    out: Path,
    *,
    author: int | None = None,
    letter: ReferralLetter | None = None,
) -> ExportJob:
    """Read the visit's records and write its PDF on a worker, started once the caller returns
    to the event loop; a failure is shown when the job ends."""
    worker = ExportJob(ops, (visit_id, kind, Path(out), author, letter), window)
    # On the next turn of the event loop: a signal the worker emitted before the caller
    # connected to it (the first visits read) would reach no one.
    QTimer.singleShot(0, worker, worker.start)
    return worker
