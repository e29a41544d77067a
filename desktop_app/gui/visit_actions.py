"""The visit part of the main window: the editor, built on first use, and the flows that sign,
amend, acknowledge and export the open visit. Each flow only asks the user (confirm, a dialog, a
file name), calls one operation and reports; the rules are below the GUI (core.signing, storage).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
)

from desktop_app.core.records import Patient
from desktop_app.core.referral import ReferralLetter, suggested
from desktop_app.core.safety_wording import unanswered_screen_warning
from desktop_app.gui.clinician_dialogs import choose_clinician
from desktop_app.gui.dialogs import AmendDialog
from desktop_app.gui.exchange_worker import ExchangeJob
from desktop_app.gui.export_worker import ExportJob, start_export
from desktop_app.gui.operations import Operations
from desktop_app.gui.red_flag_banner import AcknowledgeDialog, RedFlagBanner
from desktop_app.gui.settings_dialog import FILE_OPTIONS

if TYPE_CHECKING:
    from desktop_app.gui.visit_editor import VisitEditor

NO_CLINIC_NAME = " It has no clinic name: add one in File › Settings and backups."


class VisitActions(QMainWindow):
    """Base of MainWindow: set ops, store, patient, banner, stack and _editor before use."""

    ops: Operations
    store: QSettings
    patient: Patient | None
    banner: RedFlagBanner
    stack: QStackedWidget
    _editor: VisitEditor | None
    export_job: ExportJob | None = None  # the PDF being written, if any
    exchange_job: ExchangeJob | None = None  # the FHIR or CSV file being written, if any

    def show_patient_page(self) -> None:
        raise NotImplementedError

    @property
    def editor(self) -> VisitEditor:
        """The visit editor, built when first needed: it is the costliest part of the window."""
        if self._editor is None:
            from desktop_app.gui.visit_editor import VisitEditor

            editor = VisitEditor(self.ops, self.banner)
            editor.backRequested.connect(self.show_patient_page)
            editor.signRequested.connect(self.sign_visit)
            editor.amendRequested.connect(self.amend_visit)
            editor.dateRequested.connect(self.change_visit_date)
            editor.exportRequested.connect(self.export_visit)
            editor.acknowledgeRequested.connect(self.acknowledge_flag)
            editor.chart.detailChanged.connect(self.save_region_detail)
            self.stack.addWidget(editor)
            self._editor = editor
        return self._editor

    def save_region_detail(
        self, region: str, side: str, intensity: int | None, qualities: tuple[str, ...]
    ) -> None:
        """A marked region's intensity and qualities, saved; the chart shows what is stored."""
        editor = self.editor
        if editor.visit is None:
            return
        obs = self.ops.set_region_detail(editor.visit.id, region, side, intensity, qualities)
        if obs is not None:
            editor.obs = obs
        editor.chart.show_marks(editor.obs.marks, editor.obs.regions)

    def _flush_editor(self) -> None:
        if self._editor is not None:
            self._editor.flush()

    def _visit_open(self) -> bool:
        editor = self._editor
        return (
            editor is not None and self.stack.currentWidget() is editor and editor.visit is not None
        )

    def sign_visit(self) -> None:
        if not self._visit_open() or not self.editor.editable:
            return
        self.editor.flush()
        differential = self.editor.differential
        unscreened = (
            unanswered_screen_warning(self.ops.kb, differential) if differential is not None else ""
        )
        signer = choose_clinician(self.ops, "Sign visit", self)
        if signer is None:
            return
        answer = QMessageBox.question(
            self,
            "Sign visit",
            f"Sign this visit now as {signer.signature}?\n\nAfter signing it cannot be changed; "
            "corrections are added as amendments."
            + (f"\n\n{unscreened}\n\nThis is recorded in the audit trail." if unscreened else ""),
        )
        assert self.editor.visit is not None
        if answer == QMessageBox.StandardButton.Yes and self.ops.sign(
            self.editor.visit.id, signer.id
        ):
            self.editor.reload_visit()

    def change_visit_date(self) -> None:
        """A draft's date (the title, the patient page and the trends follow)."""
        editor = self.editor
        if not self._visit_open() or not editor.editable or self.patient is None:
            return
        from desktop_app.gui.visit_dialog import VisitDateDialog

        editor.flush()
        assert editor.visit is not None
        dialog = VisitDateDialog(editor.visit, self)
        day = dialog.day() if dialog.exec() == VisitDateDialog.DialogCode.Accepted else None
        if day is not None and self.ops.set_visit_date(editor.visit, self.patient, day):
            editor.reload_visit()

    def amend_visit(self) -> None:
        if not self._visit_open() or self.editor.visit is None or not self.editor.visit.is_signed:
            return
        author = choose_clinician(self.ops, "Amend signed visit", self)
        if author is None:
            return
        dialog = AmendDialog(self)
        if dialog.exec() == AmendDialog.DialogCode.Accepted and self.ops.amend(
            self.editor.visit.id, *dialog.values(), author.id
        ):
            self.editor.reload_visit()

    def acknowledge_flag(self, flag_id: str) -> None:
        differential = self.editor.differential
        if self.editor.visit is None or differential is None:
            return
        flag = next(f for f in differential.red_flags if f.flag_id == flag_id)
        clinician = choose_clinician(self.ops, "Acknowledge red flag", self)
        if clinician is None:
            return
        dialog = AcknowledgeDialog(flag, self)
        if dialog.exec() == AcknowledgeDialog.DialogCode.Accepted and self.ops.acknowledge_red_flag(
            self.editor.visit.id, flag_id, *dialog.result_values(), clinician.id
        ):
            self.editor.reload_visit()

    def export_visit(self, kind: str) -> None:
        """Ctrl+E: write the visit's PDF where the user chooses."""
        if not self._visit_open() or self.editor.visit is None or self.patient is None:
            self.statusBar().showMessage("Open a visit to export it.", 5000)
            return
        self.editor.flush()
        visit = self.editor.visit
        default = self.ops.default_clinician()
        author = None if visit.is_signed or default is None else default.id  # signed: the signer
        letter: ReferralLetter | None = None
        if kind == "referral":
            from desktop_app.gui.referral_dialog import ReferralDialog

            differential = self.editor.differential
            if differential is None:
                return
            asked = ReferralDialog(
                suggested(self.ops.kb, differential), self.ops.clinicians(), default, self
            )
            if asked.exec() != ReferralDialog.DialogCode.Accepted:
                return
            letter, author = asked.letter(), asked.author_id()
        folder = Path(str(self.store.value("export_dir", str(Path.home()))))
        suggestion = folder / f"{kind}-{visit.visit_date.isoformat()}-{visit.id}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export PDF", str(suggestion), "PDF (*.pdf)", options=FILE_OPTIONS
        )
        if not path:
            return
        job = start_export(self.ops, self, visit.id, kind, Path(path), author=author, letter=letter)
        self.export_job = job
        follow_export(self, job)

    def _exported(self, written: Path) -> None:
        self.store.setValue("export_dir", str(written.parent))
        note = "" if self.ops.repo.settings().clinic_name else NO_CLINIC_NAME
        self.statusBar().showMessage(f"PDF written: {written}.{note}", 12000)


def follow_export(window: VisitActions, job: ExportJob) -> None:
    """A progress dialog (after half a second) with Cancel; the window stays usable."""
    progress = QProgressDialog("Reading the records…", "Cancel", 0, 0, window)
    progress.setWindowTitle("Export PDF")
    progress.setMinimumDuration(500)
    progress.setAutoReset(False)
    progress.canceled.connect(job.cancel)
    job.reading.connect(
        lambda n, total: progress.setLabelText(f"Reading the records… visit {n} of {total}")
    )
    job.page.connect(lambda n: progress.setLabelText(f"Writing the PDF… page {n}"))
    job.done.connect(window._exported)
    job.cancelled.connect(lambda: window.statusBar().showMessage("Export cancelled.", 5000))
    job.finished.connect(progress.close)
    job.finished.connect(progress.deleteLater)
