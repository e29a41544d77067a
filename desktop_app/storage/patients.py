"""Settings, patients (with search) and episodes of care."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, fields
from typing import Any

from desktop_app.core.errors import InvalidObservation, PatientConflict
from desktop_app.core.records import SEXES, Episode, Patient, Settings
from desktop_app.core.validation import clean_line, clean_text, validate_date_of_birth
from desktop_app.storage import audit
from desktop_app.storage.errors import RecordNotFound
from desktop_app.storage.search import fold, name_query, name_sql, parse_date
from desktop_app.storage.store import Store, dumps, now_text, storage_call

PATIENT_COLUMNS = "id, name, date_of_birth, sex, clinic_id, contact, notes, version"
BY_CLINIC_ID = f"SELECT {PATIENT_COLUMNS} FROM patients WHERE clinic_id = ? COLLATE NOCASE LIMIT ?"
P_COLUMNS = ", ".join("p." + c for c in PATIENT_COLUMNS.split(", "))
# The two parts of a search in one statement: (part, the patient's columns, the name it sorts by).
ID_PART = (
    f"SELECT 0 AS part, {PATIENT_COLUMNS}, search_name FROM patients "
    "WHERE clinic_id = ? COLLATE NOCASE ORDER BY search_name, id LIMIT ?"
)
NAME_PART = f"1 AS part, {P_COLUMNS}, x.search_name"


_date = dt.date.fromisoformat


def _patient(row: Sequence[Any]) -> Patient:
    # A plain function: search builds up to 50 of these per keystroke.
    return Patient(row[0], row[1], _date(row[2]), row[3], row[4], row[5], row[6], row[7])


class PatientStore(Store):
    """Settings, patients and episodes."""

    # -- settings ----------------------------------------------------------------------------

    @storage_call
    def settings(self) -> Settings:
        """The clinic and clinician settings (defaults for anything never saved)."""
        names = {f.name for f in fields(Settings)}
        stored = {
            r[0]: json.loads(r[1])
            for r in self.db.execute("SELECT key, value FROM settings").fetchall()
            if r[0] in names
        }
        return Settings(**stored)

    @storage_call
    def save_settings(self, settings: Settings) -> None:
        """Save every setting."""
        if settings.page_size not in ("A4", "Letter"):
            raise InvalidObservation(f"Page size must be A4 or Letter, not '{settings.page_size}'.")
        if not 1 <= settings.backups_to_keep <= 1000:
            raise InvalidObservation("Keep between 1 and 1000 backups.")
        rows = [(key, dumps(value)) for key, value in asdict(settings).items()]
        with self._change("update", "settings", "", "settings"):
            self.db.conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                rows,
            )

    # -- patients ----------------------------------------------------------------------------

    def _patient_fields(
        self, name: str, date_of_birth: dt.date, sex: str, clinic_id: str, contact: str, notes: str
    ) -> dict[str, str]:
        name = clean_line(name, "name")
        if not name:
            raise InvalidObservation("The patient's name is required.")
        if sex not in SEXES:
            raise InvalidObservation(f"Sex must be one of {', '.join(SEXES)}, not '{sex}'.")
        born = validate_date_of_birth(date_of_birth)
        return {
            "name": name,
            "date_of_birth": born.isoformat(),
            "sex": sex,
            "clinic_id": clean_line(clinic_id, "clinic identifier"),
            "contact": clean_line(contact, "contact"),
            "notes": clean_text(notes, "patient notes"),
            "search_name": fold(name),
        }

    @storage_call
    def create_patient(
        self,
        name: str,
        date_of_birth: dt.date,
        sex: str,
        clinic_id: str = "",
        contact: str = "",
        notes: str = "",
    ) -> Patient:
        """Add a patient."""
        row = self._patient_fields(name, date_of_birth, sex, clinic_id, contact, notes)
        stamp = now_text()
        self._writable()
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO patients (name, date_of_birth, sex, clinic_id, contact, notes, "
                "search_name, created_at, updated_at) VALUES (:name, :date_of_birth, :sex, "
                ":clinic_id, :contact, :notes, :search_name, :at, :at)",
                {**row, "at": stamp},
            )
            patient_id = int(cursor.lastrowid or 0)
            detail = audit.demographics_detail({**row, "id": patient_id})
            audit.append(self.db, self.actor, "create", "patient", patient_id, detail)
        return self.get_patient(patient_id)

    @storage_call
    def update_patient(self, patient: Patient) -> None:
        """Save a patient's details; the audit entry names the fields changed, not their values.

        Saved only over the version `patient` was read at (PatientConflict, naming who changed
        it and when, if another workstation did since); version 0 saves over any.
        """
        row = self._patient_fields(
            patient.name,
            patient.date_of_birth,
            patient.sex,
            patient.clinic_id,
            patient.contact,
            patient.notes,
        )
        old = self.get_patient(patient.id)
        changed = [
            f
            for f in ("name", "date_of_birth", "sex", "clinic_id", "contact", "notes")
            if getattr(old, f) != getattr(patient, f)
        ]
        if not changed:
            return
        detail = audit.demographics_detail({**row, "id": patient.id}, ", ".join(changed))
        with self._change("update", "patient", patient.id, detail):
            saved = self.db.execute(
                "UPDATE patients SET name = :name, date_of_birth = :date_of_birth, sex = :sex, "
                "clinic_id = :clinic_id, contact = :contact, notes = :notes, "
                "search_name = :search_name, updated_at = :at, version = version + 1 "
                "WHERE id = :id AND (:version = 0 OR version = :version)",
                {**row, "at": now_text(), "id": patient.id, "version": patient.version},
            )
            if saved.rowcount != 1:
                raise PatientConflict(
                    f"{old.name}'s details were changed on another workstation"
                    f"{self._last_change('patient', patient.id)} after you opened them. Your "
                    "change was not saved, so theirs is not lost: check the details shown now, "
                    "then make your change again."
                )

    @storage_call
    def get_patient(self, patient_id: int) -> Patient:
        """One patient; RecordNotFound if there is none with that ID."""
        row = self.db.execute(
            f"SELECT {PATIENT_COLUMNS} FROM patients WHERE id = ?", [patient_id]
        ).fetchone()
        if row is None:
            raise RecordNotFound(f"There is no patient with ID {patient_id}.")
        return _patient(row)

    @storage_call
    def search_patients(self, text: str, limit: int = 50) -> list[Patient]:
        """Patients by name fragment, date of birth or clinic identifier; "" gives the latest."""
        text = text.strip()
        run = self.db.execute
        if not text:
            rows = run(
                f"SELECT {PATIENT_COLUMNS} FROM patients ORDER BY updated_at DESC, id DESC LIMIT ?",
                [limit],
            ).fetchall()
            return [_patient(r) for r in rows]
        born = parse_date(text)
        if born is not None:
            rows = run(
                f"SELECT {PATIENT_COLUMNS} FROM patients WHERE date_of_birth = ? "
                "ORDER BY search_name, id LIMIT ?",
                [born.isoformat(), limit],
            ).fetchall()
            return [_patient(r) for r in rows]
        # Exact identifier matches first, then name matches in name order: one statement, so
        # one round trip to a clinic server per keystroke.
        query = name_query(text)
        if query is None:
            return [_patient(r) for r in run(BY_CLINIC_ID, [text, limit]).fetchall()]
        rows = run(
            f"SELECT * FROM ({ID_PART}) AS by_id UNION ALL SELECT * FROM "
            f"({name_sql(query, NAME_PART)}) AS by_name ORDER BY 1, 10, 2",
            [text, limit, query.prefix, *query.patterns, limit],
        ).fetchall()
        seen: set[int] = set()
        found = []
        for row in rows:  # a patient whose identifier and name both match is listed once
            if row[1] not in seen:
                seen.add(row[1])
                found.append(_patient(row[1:]))
        return found[:limit]

    @storage_call
    def same_patients(self, name: str, date_of_birth: dt.date) -> list[Patient]:
        """Stored patients with this name (case and accents folded) and date of birth."""
        rows = self.db.execute(
            f"SELECT {PATIENT_COLUMNS} FROM patients WHERE search_name = ? AND date_of_birth = ? "
            "ORDER BY id",
            [fold(name.strip()), date_of_birth.isoformat()],
        ).fetchall()
        return [_patient(r) for r in rows]

    @storage_call
    def has_patients(self) -> bool:
        """Whether the database holds any patient (without counting them all)."""
        return bool(self.db.execute("SELECT EXISTS (SELECT 1 FROM patients)").fetchone()[0])

    def patient_count(self) -> int:
        """How many patients the database holds."""
        return int(self.db.execute("SELECT count(*) FROM patients").fetchone()[0])

    # -- episodes ----------------------------------------------------------------------------

    def _insert_episode(self, patient_id: int, title: str, started_on: dt.date) -> int:
        cursor = self.db.execute(
            "INSERT INTO episodes (patient_id, title, started_on, created_at) VALUES (?, ?, ?, ?)",
            [patient_id, title, started_on.isoformat(), now_text()],
        )
        episode_id = int(cursor.lastrowid or 0)
        audit.append(self.db, self.actor, "create", "episode", episode_id, f"patient {patient_id}")
        return episode_id

    @storage_call
    def create_episode(self, patient_id: int, title: str) -> Episode:
        """Start an episode of care (one complaint followed over time)."""
        title = clean_line(title, "episode title")
        if not title:
            raise InvalidObservation("An episode needs a title.")
        self.get_patient(patient_id)
        self._writable()
        with self.db.atomic():
            episode_id = self._insert_episode(patient_id, title, dt.date.today())
        return next(e for e in self.episodes(patient_id) if e.id == episode_id)

    @storage_call
    def episodes(self, patient_id: int) -> list[Episode]:
        """A patient's episodes, oldest first."""
        rows = self.db.execute(
            "SELECT id, patient_id, title, started_on FROM episodes WHERE patient_id = ? "
            "ORDER BY started_on, id",
            [patient_id],
        ).fetchall()
        return [Episode(r[0], r[1], r[2], dt.date.fromisoformat(r[3])) for r in rows]
