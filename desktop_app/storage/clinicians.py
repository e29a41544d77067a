"""The clinicians of a database: added and edited (audited), never deleted, resolved by ID for
every act that must name its clinician (signing, amending, acknowledging a red flag)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from desktop_app.core.clinicians import Clinician, clean_clinician
from desktop_app.core.errors import InvalidObservation
from desktop_app.core.records import Settings
from desktop_app.storage import audit
from desktop_app.storage.errors import RecordNotFound
from desktop_app.storage.patients import PatientStore
from desktop_app.storage.store import now_text, storage_call

COLUMNS = "id, name, profession, registration_number, active"


def _clinician(row: Sequence[Any]) -> Clinician:
    return Clinician(int(row[0]), row[1], row[2], row[3], bool(row[4]))


class ClinicianStore(PatientStore):
    """Clinicians, and the first-run set-up that names the clinic and its first clinician."""

    @storage_call
    def clinicians(self, *, include_inactive: bool = False) -> list[Clinician]:
        """The clinicians in name order (the active ones unless `include_inactive`)."""
        where = "" if include_inactive else " WHERE active = 1"
        rows = self.db.execute(
            f"SELECT {COLUMNS} FROM clinicians{where} ORDER BY lower(name), id"
        ).fetchall()
        return [_clinician(r) for r in rows]

    @storage_call
    def clinician(self, clinician_id: int) -> Clinician:
        row = self.db.execute(
            f"SELECT {COLUMNS} FROM clinicians WHERE id = ?", [clinician_id]
        ).fetchone()
        if row is None:
            raise RecordNotFound(f"There is no clinician with ID {clinician_id}.")
        return _clinician(row)

    def needs_set_up(self) -> bool:
        """True until the database names at least one clinician (the first-run set-up)."""
        return not self.read_only and not self.clinicians(include_inactive=True)

    @storage_call
    def add_clinician(
        self, name: str, profession: str = "", registration_number: str = ""
    ) -> Clinician:
        """Add a clinician (audited)."""
        fields = clean_clinician(name, profession, registration_number)
        self._writable()
        with self.db.atomic():
            return self._insert(*fields)

    def _insert(self, name: str, profession: str, registration_number: str) -> Clinician:
        stamp = now_text()
        cursor = self.db.execute(
            "INSERT INTO clinicians (name, profession, registration_number, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?)",
            [name, profession, registration_number, stamp, stamp],
        )
        clinician_id = int(cursor.lastrowid or 0)
        audit.append(self.db, self.actor, "create", "clinician", clinician_id)
        return Clinician(clinician_id, name, profession, registration_number)

    @storage_call
    def update_clinician(self, clinician: Clinician) -> Clinician:
        """Correct a clinician's details or mark them inactive (audited; signed records keep the
        name they were signed with)."""
        name, profession, number = clean_clinician(
            clinician.name, clinician.profession, clinician.registration_number
        )
        self.clinician(clinician.id)  # RecordNotFound for an unknown ID
        detail = "details" if clinician.active else "details; inactive"
        with self._change("update", "clinician", clinician.id, detail):
            self.db.execute(
                "UPDATE clinicians SET name = ?, profession = ?, registration_number = ?, "
                "active = ?, updated_at = ? WHERE id = ?",
                [name, profession, number, int(clinician.active), now_text(), clinician.id],
            )
        return replace(clinician, name=name, profession=profession, registration_number=number)

    @storage_call
    def set_up(
        self, settings: Settings, name: str, profession: str, registration_number: str
    ) -> Clinician:
        """The first-run set-up in one transaction: the clinic's settings and its first
        clinician."""
        fields = clean_clinician(name, profession, registration_number)
        self._writable()
        with self.db.atomic():
            self.save_settings(settings)
            return self._insert(*fields)

    def acting_clinician(self, clinician_id: int) -> Clinician:
        """The active clinician who performs an act that must name its author."""
        try:
            clinician = self.clinician(clinician_id)
        except RecordNotFound:
            clinician = None
        if clinician is None or not clinician.active:
            raise InvalidObservation(
                "Choose who signs from the clinicians of this database (add them in Settings)."
            )
        return clinician
