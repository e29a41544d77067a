"""Menu actions for data that leaves or enters the app (FHIR, CSV, patient import) and the About
box. Thin: each action asks for a file and calls the same Operations method as the commands."""

from __future__ import annotations

import datetime as dt
import platform
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.core.errors import AppError
from desktop_app.exchange.patient_import import (
    FIELDS,
    REQUIRED,
    ImportPlan,
    csv_columns,
    default_mapping,
)
from desktop_app.gui.exchange_worker import start_exchange
from desktop_app.gui.settings_dialog import FILE_OPTIONS
from desktop_app.gui.widgets import named

if TYPE_CHECKING:
    from desktop_app.exchange.service import OnVisit, Written
    from desktop_app.gui.main_window import MainWindow
    from desktop_app.storage.repository import Repository

FIELD_LABELS = {
    "name": "Name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "clinic_id": "Clinic identifier",
}
NOT_MAPPED = "(not in this file)"


def install(window: MainWindow) -> None:
    """Exchange actions in the File menu (before Settings) and About in the Help menu."""
    added = [
        window._action("&File", "Export visit as &FHIR…", lambda: export_fhir(window, "visit")),
        window._action(
            "&File", "Export patient record as F&HIR…", lambda: export_fhir(window, "patient")
        ),
        window._action("&File", "Export visits as &CSV…", lambda: export_csv(window)),
        window._action("&File", "&Import patients…", lambda: import_patients(window)),
    ]
    added[-1].setEnabled(not window.ops.repo.read_only)
    menu = window._menus["&File"]
    settings = next(a for a in menu.actions() if a.text().startswith("&Settings"))
    for action in added:
        menu.removeAction(action)
        menu.insertAction(settings, action)
    menu.insertSeparator(settings)
    window._action("&Help", "&About Gluteal Assess", lambda: show_about(window))


def _save_name(window: MainWindow, title: str, default: str, kind: str) -> Path | None:
    folder = Path(str(window.store.value("export_dir", str(Path.home()))))
    path, _ = QFileDialog.getSaveFileName(
        window, title, str(folder / default), kind, options=FILE_OPTIONS
    )
    if not path:
        return None
    window.store.setValue("export_dir", str(Path(path).parent))
    return Path(path)


def export_fhir(window: MainWindow, scope: str) -> None:
    """A FHIR Bundle of the open visit, or of the chosen patient's whole record."""
    if scope == "visit":
        editor = window._editor
        visit = editor.visit if editor is not None and window._visit_open() else None
        if visit is None:
            window.statusBar().showMessage("Open a visit to export it as FHIR.", 5000)
            return
        window._flush_editor()
        record_id, default = visit.id, f"visit-{visit.visit_date.isoformat()}-{visit.id}.json"
    else:
        if window.patient is None:
            window.statusBar().showMessage("Choose a patient to export the record.", 5000)
            return
        record_id, default = window.patient.id, f"patient-{window.patient.id}.json"
    out = _save_name(window, "Export FHIR R4 Bundle", default, "FHIR JSON (*.json)")
    if out is None:
        return
    from desktop_app.exchange import service

    kb = window.ops.kb

    def work(repo: Repository, on_visit: OnVisit) -> Written:
        return service.write_fhir(repo, kb, scope, record_id, out, on_visit)

    job = start_exchange(window.ops, window, "Export FHIR", "Could not export FHIR", work)
    job.done.connect(
        lambda done: window.statusBar().showMessage(f"FHIR Bundle written: {done.path}", 8000)
    )
    window.exchange_job = job


class CsvExportDialog(QDialog):
    """The period to export and whether the plan text goes with it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export visits as CSV")
        form = QFormLayout(self)
        today = QDate.currentDate()
        self.first = named(QDateEdit(today.addYears(-1)), "First visit date")
        self.last = named(QDateEdit(today), "Last visit date")
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.free_text = named(QCheckBox("Include each visit's plan (free text)"), "Include plan")
        form.addRow("From", self.first)
        form.addRow("To", self.last)
        form.addRow(self.free_text)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def period(self) -> tuple[dt.date, dt.date]:
        return self.first.date().toPython(), self.last.date().toPython()  # type: ignore[return-value]


def export_csv(window: MainWindow) -> None:
    dialog = CsvExportDialog(window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    first, last = dialog.period()
    out = _save_name(window, "Export visits as CSV", f"visits-{first}-{last}.csv", "CSV (*.csv)")
    if out is None:
        return
    from desktop_app.exchange import service

    kb, free_text = window.ops.kb, dialog.free_text.isChecked()

    def work(repo: Repository, on_visit: OnVisit) -> Written:
        return service.write_csv(repo, kb, first, last, out, free_text=free_text, on_visit=on_visit)

    job = start_exchange(window.ops, window, "Export CSV", "Could not export the CSV", work)
    job.done.connect(
        lambda done: window.statusBar().showMessage(
            f"{done.count} visit(s) written to {done.path}", 8000
        )
    )
    window.exchange_job = job


def describe(plan: ImportPlan) -> str:
    """The preview: what would be added, what is skipped and why, and every bad row."""
    lines = [
        f"{len(plan.new)} new patient(s), {len(plan.duplicates)} duplicate(s) skipped, "
        f"{len(plan.problems)} row(s) with problems."
    ]
    if plan.problems:
        lines.append("Nothing can be imported until these rows are corrected:")
        lines += [f"  {p}" for p in plan.problems]
    lines += [
        f"  add: line {r.line}: {r.name}, {r.date_of_birth.strftime('%d/%m/%Y')}, {r.sex}"
        for r in plan.new
    ]
    lines += [f"  skip: {d}" for d in plan.duplicates]
    return "\n".join(lines)


class ImportDialog(QDialog):
    """Column mapping (CSV), a preview of the plan, and Import only when the plan is sound."""

    def __init__(self, window: MainWindow, data: bytes, kind: str) -> None:
        super().__init__(window)
        self.setWindowTitle("Import patients")
        self.ops = window.ops
        self.data, self.kind = data, kind
        self.plan: ImportPlan | None = None
        layout = QVBoxLayout(self)
        self.combos: dict[str, QComboBox] = {}
        if kind == "csv":
            try:
                columns = csv_columns(data)
            except AppError:
                columns = []  # the preview says why
            guess = default_mapping(columns)
            form = QFormLayout()
            for name in FIELDS:
                combo = named(QComboBox(), f"Column for {FIELD_LABELS[name].lower()}")
                combo.addItems([NOT_MAPPED, *columns])
                combo.setCurrentText(guess.get(name, NOT_MAPPED))
                combo.currentIndexChanged.connect(self.refresh)
                self.combos[name] = combo
                form.addRow(FIELD_LABELS[name] + (" *" if name in REQUIRED else ""), combo)
            layout.addLayout(form)
        layout.addWidget(QLabel("Nothing is written until you press Import."))
        self.preview = named(QPlainTextEdit(), "Import preview")
        self.preview.setReadOnly(True)
        layout.addWidget(self.preview, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        named(self.import_button, "Import the new patients")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 480)
        self.refresh()

    def mapping(self) -> dict[str, str] | None:
        if not self.combos:
            return None
        return {n: c.currentText() for n, c in self.combos.items() if c.currentText() != NOT_MAPPED}

    def refresh(self) -> None:
        result = self.ops.plan_import(self.data, self.kind, self.mapping())
        self.plan = result if isinstance(result, ImportPlan) else None
        self.preview.setPlainText(describe(result) if isinstance(result, ImportPlan) else result)
        self.import_button.setEnabled(
            self.plan is not None and self.plan.can_apply and bool(self.plan.new)
        )


def import_patients(window: MainWindow) -> None:
    if window.ops.repo.read_only:
        window.statusBar().showMessage("The database is read-only: nothing can be imported.", 5000)
        return
    path, _ = QFileDialog.getOpenFileName(
        window, "Import patients", str(Path.home()), "CSV or FHIR JSON (*.csv *.json)",
        options=FILE_OPTIONS,
    )  # fmt: skip
    if not path:
        return
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        window.statusBar().showMessage(f"Cannot read {path}: {exc.strerror or exc}", 8000)
        return
    kind = "fhir" if path.lower().endswith(".json") else "csv"
    dialog = ImportDialog(window, data, kind)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.plan is None:
        return
    created = window.ops.apply_import(dialog.plan)
    if created is not None:
        window.statusBar().showMessage(f"Imported {len(created)} patient(s).", 8000)


def about_text(window: MainWindow) -> str:
    kb = window.ops.kb
    return (
        f"<h3>Gluteal Assess {__version__}</h3>"
        f"<p>Knowledge base {kb.version} ({kb.fingerprint})<br>"
        f"Python {platform.python_version()}, Qt for Python (PySide6) {pyside_version}</p>"
        "<p>Proprietary software: see the LICENSE file. It supports clinical reasoning and does "
        "not replace it.</p>"
        "<p>Third-party components keep their own licences (THIRD_PARTY_NOTICES.md): Qt and "
        "Qt for Python under the LGPL v3, ReportLab (BSD), pikepdf (MPL 2.0) with qpdf (Apache "
        "2.0), sqlite-utils (Apache 2.0), PyYAML and platformdirs (MIT); fonts DejaVu Sans "
        "(Bitstream Vera licence) and WenQuanYi Zen Hei (GPL v2 with a font embedding "
        "exception).</p>"
    )


def show_about(window: MainWindow) -> None:
    QMessageBox.about(window, "About Gluteal Assess", about_text(window))
