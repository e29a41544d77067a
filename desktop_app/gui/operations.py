"""One function per user action: call storage or core, show known errors, tell views what changed.

Every change to the database goes through here (views only read, through `ops.repo`). Each method
returns the new record (or True) on success and None (or False) after showing the error in a
plain-language dialog.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.core.errors import AppError, VisitLocked
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Mark, Observations
from desktop_app.core.records import Amendment, MeasureResult, Patient, RedFlagAck, Settings, Visit
from desktop_app.core.signing import SigningRefused
from desktop_app.gui.clinician_operations import ClinicianOperations
from desktop_app.gui.disk_sync import DiskSync
from desktop_app.gui.visit_operations import VisitOperations
from desktop_app.storage.autosave import unsynced_commits
from desktop_app.storage.backup import default_backup_dir, restore_database
from desktop_app.storage.repository import Repository

if TYPE_CHECKING:
    from desktop_app.exchange.patient_import import ImportPlan

log = logging.getLogger(__name__)
T = TypeVar("T")


def show_error(parent: QWidget | None, title: str, exc: AppError) -> None:
    """A plain-language error dialog; the message comes from the AppError."""
    if isinstance(exc, SigningRefused):
        title = "Acknowledge the red flags first"
        text = str(exc)
    elif isinstance(exc, VisitLocked):
        text = f"{exc}\n\nThis visit is signed. Use “Amend…” to add a correction."
    else:
        text = str(exc)
    QMessageBox.warning(parent, title, text)


class Operations(ClinicianOperations, VisitOperations, QObject):
    """The user's actions on the open database."""

    patientsChanged = Signal()
    visitStatusChanged = Signal(int)  # signed or amended
    saveState = Signal(str)  # "saving" (committed, the disk not yet confirmed), "saved", "failed"
    databaseReplaced = Signal()  # after a restore

    def __init__(
        self,
        repo: Repository,
        kb: KnowledgeBase | None = None,
        parent: QWidget | None = None,
        *,
        reopen: Callable[[], Repository] | None = None,
    ):
        super().__init__(parent)
        self.repo = repo
        self._kb = kb
        # How the composition root opens this database again (after a restore).
        self._reopen = reopen or (lambda: Repository.open(repo.path, self.kb, actor=repo.actor))
        self.window: QWidget | None = parent
        self.disk = DiskSync(self)  # the autosaves' wait for the disk, off the GUI thread
        self.disk.synced.connect(lambda: self.saveState.emit("saved"))
        self.disk.failed.connect(self._not_on_disk)

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base given, else the repository's (read on first use: issue 17)."""
        return self._kb if self._kb is not None else self.repo.kb

    @kb.setter
    def kb(self, kb: KnowledgeBase) -> None:
        self._kb = kb

    # -- plumbing ---------------------------------------------------------------------------
    def _run(self, title: str, action: Callable[[], T], *, write: bool = True) -> T | None:
        try:
            result = action()
        except AppError as exc:
            log.warning("%s failed: %s", title, type(exc).__name__)
            if write:
                self.saveState.emit("failed")
            show_error(self.window, title, exc)
            return None
        if write:
            self.saveState.emit("saved")
        return result

    def _autosave(self, title: str, action: Callable[[], T]) -> T | None:
        """An edit of the open visit: committed now, "saved" once the disk confirms it."""
        done: list[T] = []  # the action's result once it returned (None is a result too)
        with unsynced_commits(self.repo) as wal:
            self._run(title, lambda: done.append(action()), write=wal is None)
        if wal is not None:
            if done:
                self.saveState.emit("saving")
                self.disk.committed(wal)
            else:
                self.saveState.emit("failed")
        return done[0] if done else None

    def flush_saves(self) -> None:
        """Wait until the disk holds every autosave (leaving a visit, quitting)."""
        self.disk.flush()

    def _not_on_disk(self, message: str) -> None:
        self.saveState.emit("failed")
        QMessageBox.warning(self.window, "Changes not confirmed by the disk", message)

    # -- patients ---------------------------------------------------------------------------
    def create_patient(
        self, name: str, date_of_birth: dt.date, sex: str, clinic_id: str = "", contact: str = ""
    ) -> Patient | None:
        """Create a patient record."""
        patient = self._run(
            "Could not create the patient",
            lambda: self.repo.create_patient(name, date_of_birth, sex, clinic_id, contact),
        )
        if patient is not None:
            self.patientsChanged.emit()
        return patient

    def update_patient(
        self,
        patient: Patient,
        name: str,
        date_of_birth: dt.date,
        sex: str,
        clinic_id: str = "",
        contact: str = "",
    ) -> Patient | None:
        """Correct a patient's details (a typo in the name or date of birth); notes are kept."""

        def save() -> Patient:
            stored = self.repo.get_patient(patient.id)  # fields not in the dialog stay as stored
            self.repo.update_patient(
                replace(
                    stored,
                    name=name,
                    date_of_birth=date_of_birth,
                    sex=sex,
                    clinic_id=clinic_id,
                    contact=contact,
                    version=patient.version,  # refused if changed elsewhere since it was shown
                )
            )
            return self.repo.get_patient(patient.id)

        updated = self._run("Could not save the patient's details", save)
        if updated is not None:
            self.patientsChanged.emit()
        return updated

    def get_patient(self, patient_id: int) -> Patient | None:
        """Load one patient."""
        return self._run(
            "Could not open the patient", lambda: self.repo.get_patient(patient_id), write=False
        )

    def same_patients(self, name: str, date_of_birth: dt.date) -> list[Patient]:
        """Patients already recorded with this name and date of birth (a possible duplicate)."""
        found = self._run(
            "Could not check for duplicates",
            lambda: self.repo.same_patients(name, date_of_birth),
            write=False,
        )
        return found or []

    def search_patients(self, text: str) -> list[Patient]:
        """Patients matching a search (empty list after showing an error)."""
        found = self._run("Search failed", lambda: self.repo.search_patients(text), write=False)
        return found or []

    # -- visits -----------------------------------------------------------------------------
    def open_visit(self, visit_id: int) -> Visit | None:
        """Load a visit for the editor."""
        return self._run(
            "Could not open the visit", lambda: self.repo.get_visit(visit_id), write=False
        )

    # The four edits of what a visit records return the visit's observations as stored (None
    # after showing the error): views show that, never a copy they keep up to date themselves.
    def set_presentations(self, visit_id: int, presentations: Sequence[str]) -> Observations | None:
        """Change the presenting complaints, which choose the prompts and tests."""
        return self._autosave(
            "Could not save the presenting complaint",
            lambda: self.repo.set_presentations(visit_id, list(presentations)),
        )

    def save_answer(self, visit_id: int, prompt_id: str, value: Any | None) -> Observations | None:
        """Save (or clear, with None) a history answer."""
        return self._autosave(
            "Could not save the answer",
            lambda: self.repo.save_answer(visit_id, prompt_id, value),
        )

    def save_exam(
        self, visit_id: int, item_id: str, side: str, value: Any | None
    ) -> Observations | None:
        """Save (or clear) one side of an examination result."""
        return self._autosave(
            "Could not save the examination result",
            lambda: self.repo.save_exam(visit_id, item_id, side, value),
        )

    def toggle_mark(self, visit_id: int, mark: Mark, present: bool) -> Observations | None:
        """Add or remove a body-chart mark."""
        return self._autosave(
            "Could not save the body-chart mark",
            lambda: self.repo.set_mark(visit_id, mark, present),
        )

    def set_region_detail(
        self,
        visit_id: int,
        region: str,
        side: str,
        intensity: int | None,
        qualities: tuple[str, ...],
    ) -> Observations | None:
        """Record a marked region's intensity (0-10) and qualities."""
        return self._autosave(
            "Could not save the body-chart details",
            lambda: self.repo.set_region_detail(visit_id, region, side, intensity, qualities),
        )

    def save_measure(
        self, visit_id: int, measure_id: str, responses: dict[str, float]
    ) -> MeasureResult | None:
        """Save an outcome measure's responses and return its score."""
        return self._autosave(
            "Could not save the outcome measure",
            lambda: self.repo.save_measure(visit_id, measure_id, responses),
        )

    def save_measure_labels(
        self, visit_id: int, measure_id: str, labels: dict[str, str]
    ) -> dict[str, str] | None:
        """Save the names of a patient-specific measure's items (the PSFS activities)."""
        return self._autosave(
            "Could not save the activity names",
            lambda: self.repo.save_measure_labels(visit_id, measure_id, labels),
        )

    def previous_visit(self, visit_id: int) -> Visit | None:
        """The visit before this one, for the "Since last visit" view (None for the first)."""
        return self._run(
            "Could not read the previous visit",
            lambda: self.repo.previous_visit(visit_id),
            write=False,
        )

    def save_plan(self, visit_id: int, text: str) -> bool:
        """Save the free-text plan."""
        return bool(
            self._autosave(
                "Could not save the plan", lambda: _done(self.repo.save_plan(visit_id, text))
            )
        )

    def set_leading_condition(self, visit_id: int, name: str) -> None:
        """Cache the live leader for the visit list (no dialog noise on a signed visit)."""
        self._autosave(
            "Could not update the visit list",
            lambda: self.repo.set_leading_condition(visit_id, name),
        )

    def acknowledge_red_flag(
        self, visit_id: int, flag_id: str, referred: bool, reason: str, by: int
    ) -> RedFlagAck | None:
        """Record that clinician `by` acted on a red flag (audited)."""
        ack = self._run(
            "Could not record the acknowledgement",
            lambda: self.repo.acknowledge_red_flag(visit_id, flag_id, referred, reason, by=by),
        )
        if ack is not None:
            self._remember(by)
        return ack

    def sign(self, visit_id: int, by: int) -> Visit | None:
        """Sign the visit as clinician `by`; storage refuses unacknowledged flags."""
        signed = self._run(
            "Could not sign the visit",
            lambda: self.repo.sign_visit(visit_id, by=by),
            write=False,  # a refusal is not a failed save
        )
        if signed is not None:
            self._remember(by)
            self.saveState.emit("saved")
            self.visitStatusChanged.emit(visit_id)
            self.patientsChanged.emit()
        return signed

    def amend(self, visit_id: int, text: str, reason: str, by: int) -> Amendment | None:
        """Add clinician `by`'s amendment to a signed visit."""
        amendment = self._run(
            "Could not save the amendment",
            lambda: self.repo.amend_visit(visit_id, text, reason, by=by),
        )
        if amendment is not None:
            self._remember(by)
            self.visitStatusChanged.emit(visit_id)
        return amendment

    # -- settings and backups ---------------------------------------------------------------
    def save_settings(self, settings: Settings) -> bool:
        """Store clinic, clinician and report settings."""
        done = self._run(
            "Could not save the settings", lambda: _done(self.repo.save_settings(settings))
        )
        return bool(done)

    def backup_now(self, folder: Path | None = None) -> Path | None:
        """Copy the database to a timestamped file in the backup folder."""
        target = folder or default_backup_dir(self.repo.path)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        return self._run(
            "Backup failed",
            lambda: self.repo.backup_to(target / f"manual-{stamp}.sqlite3"),
            write=False,
        )

    def restore(self, source: Path) -> bool:
        """Replace the database with a backup (the current file is kept aside), then reopen it."""
        db_path = self.repo.path

        def replace() -> bool:
            self.disk.flush()
            self.repo.close()
            try:
                restore_database(source, db_path)
            finally:
                self.repo = self._reopen()
            return True

        done = bool(self._run("Restore failed", replace, write=False))
        if done:
            self.databaseReplaced.emit()
            self.patientsChanged.emit()
        return done

    # -- exchange (FHIR, CSV, patient import: desktop_app.exchange) --------------------------
    def plan_import(
        self, data: bytes, kind: str, mapping: dict[str, str] | None
    ) -> ImportPlan | str:
        """What importing a file of patients would do, or why it cannot be read; writes nothing.

        The reason is returned, not shown: the import dialog shows it in its preview while the
        user changes the column mapping.
        """
        from desktop_app.exchange import service

        try:
            return service.plan_patient_import(self.repo, data, kind, mapping)
        except AppError as exc:
            return str(exc)

    def apply_import(self, plan: ImportPlan) -> list[Patient] | None:
        """Add the previewed patients in one transaction (audited)."""
        from desktop_app.exchange import service

        created = self._run(
            "Could not import the patients", lambda: service.apply_patient_import(self.repo, plan)
        )
        if created:
            self.patientsChanged.emit()
        return created


def _done(_: object) -> bool:
    """Turn a write that returns nothing into a success flag for `_run`."""
    return True
