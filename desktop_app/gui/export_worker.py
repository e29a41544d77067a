"""PDF export off the GUI thread, with progress and cancel (issue 17).

A patient's history of 200 visits is hundreds of pages: laid out on the GUI thread it froze the
window for minutes. The records are read on the GUI thread (it owns the database connection),
the PDF is laid out and written on a worker thread (reporting.render_export reads nothing), and
the export is audited back on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.core.errors import AppError
from desktop_app.core.referral import ReferralLetter
from desktop_app.gui.operations import Operations, show_error

if TYPE_CHECKING:
    from desktop_app.reporting import PreparedExport

log = logging.getLogger(__name__)
FAILED = "Could not export the PDF"
NOT_AUDITED = "PDF written, not audited"


def not_audited_text(written: Path, why: str) -> str:
    return (
        f"{written} was written, but the audit log has no entry for this export: {why} "
        "The file is complete; note the export by hand."
    )


class ExportCancelled(Exception):
    """Raised from the page hook when the user cancels: nothing is written."""


class ExportJob(QObject):
    """One export on its worker thread; its signals arrive on the GUI thread."""

    page = Signal(int)  # the page being laid out
    done = Signal(object)  # the written and audited file (Path)
    cancelled = Signal()
    finished = Signal()  # after done, cancelled or a failure was shown
    _rendered = Signal(object, object)  # (Path or None, exception or None), from the worker

    def __init__(self, ops: Operations, job: PreparedExport, parent: QWidget) -> None:
        super().__init__(parent)
        self.ops = ops
        self.job = job
        self.window = parent
        self.ended = False
        self._cancel = threading.Event()
        self._rendered.connect(self._finish)
        self._thread = threading.Thread(target=self._render, name="pdf-export", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        """Stop at the next page; nothing is written or audited."""
        self._cancel.set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the worker ends (closing the window); True if it has ended."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _on_page(self, number: int) -> None:
        if self._cancel.is_set():
            raise ExportCancelled
        self.page.emit(number)

    def _render(self) -> None:
        from desktop_app.reporting import render_export

        try:
            self._rendered.emit(render_export(self.job, self._on_page), None)
        except Exception as exc:  # reported on the GUI thread (a bug goes to the crash handler)
            self._rendered.emit(None, exc)

    def _finish(self, written: Path | None, exc: Exception | None) -> None:
        from desktop_app.reporting import record_export

        try:
            if isinstance(exc, ExportCancelled):
                self.cancelled.emit()
                return
            if exc is not None:
                raise exc
            assert written is not None
            why = record_export(self.ops.repo, self.job, written).not_audited
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
) -> ExportJob | None:
    """Read the visit's records and start writing its PDF; None after saying why it cannot."""
    from desktop_app.reporting import prepare_export  # ReportLab loads only when exporting

    try:
        job = prepare_export(ops.repo, ops.kb, visit_id, kind, out, author=author, letter=letter)
    except AppError as exc:
        show_error(window, FAILED, exc)
        return None
    worker = ExportJob(ops, job, window)
    worker.start()
    return worker
