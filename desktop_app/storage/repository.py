"""The repository: every read and write of patients, visits and the audit log, in plain Python.

Every write is validated against the knowledge base, runs in one short transaction together with
its audit entry, and is refused with VisitLocked once the visit is signed.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlite_utils import Database

from desktop_app.core.diagnosis import Differential
from desktop_app.core.errors import InvalidObservation, VisitLocked
from desktop_app.core.knowledge_base import KnowledgeBase
from desktop_app.core.measures import score
from desktop_app.core.observations import ExamValue, Mark, Observations
from desktop_app.core.records import (
    SEXES,
    VISIT_TYPES,
    Amendment,
    AuditEntry,
    Episode,
    MeasureResult,
    Patient,
    RedFlagAck,
    Settings,
    Visit,
    VisitSummary,
)
from desktop_app.core.validation import clean_text, validate_answer, validate_exam, validate_mark
from desktop_app.storage import audit
from desktop_app.storage.backup import copy_database
from desktop_app.storage.database import WriterLock, connect, mapped, prepare
from desktop_app.storage.errors import DatabaseReadOnly, RecordNotFound
from desktop_app.storage.search import fold, fts_query, parse_date

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

PATIENT_COLUMNS = "id, name, date_of_birth, sex, clinic_id, contact, notes"
DRAFT, SIGNED = "draft", "signed"
BY_CLINIC_ID = f"SELECT {PATIENT_COLUMNS} FROM patients WHERE clinic_id = ? COLLATE NOCASE LIMIT ?"
BY_NAME = (
    f"SELECT {', '.join('p.' + c for c in PATIENT_COLUMNS.split(', '))}, p.search_name "
    "FROM patients_fts JOIN patients p ON p.id = patients_fts.rowid "
    "WHERE patients_fts MATCH ? LIMIT ?"
)


def _storage_call(
    method: Callable[Concatenate[Repository, P], R],
) -> Callable[Concatenate[Repository, P], R]:
    """Turn environmental SQLite failures into StorageError subclasses naming the file."""

    @functools.wraps(method)
    def wrapper(self: Repository, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.IntegrityError as exc:
            if "visit_locked" in str(exc):
                raise VisitLocked(
                    "This visit is signed and can no longer be changed. Add an amendment instead."
                ) from None
            raise
        except sqlite3.Error as exc:
            error = mapped(exc, self.path)
            if error is exc:
                raise
            raise error from None

    return wrapper


def _dumps(value: Any) -> str:
    return audit.canonical_json(value)


def _answer(text: str) -> Any:
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else value


def _now() -> str:
    return audit.now().isoformat()


class Repository:
    """Patients, episodes, visits, amendments and the audit log of one database file."""

    def __init__(
        self,
        db: Database,
        path: Path,
        kb: KnowledgeBase,
        actor: str,
        read_only_reason: str,
        lock: WriterLock | None,
    ) -> None:
        self.db = db
        self.path = path
        self.kb = kb
        self.actor = actor
        self.read_only = bool(read_only_reason)
        self.read_only_reason = read_only_reason
        self._lock = lock

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path, kb: KnowledgeBase, *, actor: str = "clinician", read_only: bool = False
    ) -> Repository:
        """Open (creating if missing) and migrate the database; read-only if another copy writes."""
        path = Path(path)
        reason = ""
        lock: WriterLock | None = None
        if read_only:
            reason = "The database was opened read-only."
        elif path.exists() and not os.access(path, os.W_OK):
            reason = f"The database {path} is read-only: changes cannot be saved."
        elif path.exists() and not os.access(path.parent, os.W_OK):
            reason = f"The folder of {path} is read-only: changes cannot be saved."
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseReadOnly(
                    f"Cannot create the folder for the database {path} ({exc.strerror}). Choose "
                    "a writable location with --db."
                ) from None
            lock = WriterLock(path)
            if not lock.acquire():
                lock = None
                reason = (
                    f"Another copy of the app is using {path}. This copy is read-only: close the "
                    "other copy to make changes."
                )
        conn = connect(path, read_only=bool(reason))
        try:
            db = prepare(conn, path, read_only=bool(reason))
        except BaseException:
            conn.close()
            if lock is not None:
                lock.release()
            raise
        return cls(db, path, kb, actor, reason, lock)

    def close(self) -> None:
        """Close the connection and let another copy of the app write."""
        self.db.conn.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _writable(self) -> None:
        if self.read_only:
            raise DatabaseReadOnly(self.read_only_reason)

    @contextmanager
    def _change(self, action: str, entity: str, entity_id: object, detail: str) -> Iterator[None]:
        """One transaction: the change in the block, then its audit entry."""
        self._writable()
        with self.db.atomic():
            yield
            audit.append(self.db, self.actor, action, entity, entity_id, detail)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group many writes in one transaction (bulk import, demo data)."""
        self._writable()
        with self.db.atomic():
            yield

    # -- settings ----------------------------------------------------------------------------

    @_storage_call
    def settings(self) -> Settings:
        """The clinic and clinician settings (defaults for anything never saved)."""
        names = {f.name for f in fields(Settings)}
        stored = {
            r[0]: json.loads(r[1])
            for r in self.db.execute("SELECT key, value FROM settings").fetchall()
            if r[0] in names
        }
        return Settings(**stored)

    @_storage_call
    def save_settings(self, settings: Settings) -> None:
        """Save every setting."""
        if settings.page_size not in ("A4", "Letter"):
            raise InvalidObservation(f"Page size must be A4 or Letter, not '{settings.page_size}'.")
        if not 1 <= settings.backups_to_keep <= 1000:
            raise InvalidObservation("Keep between 1 and 1000 backups.")
        rows = [(key, _dumps(value)) for key, value in asdict(settings).items()]
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
        name = clean_text(name, "name").strip()
        if not name:
            raise InvalidObservation("The patient's name is required.")
        if sex not in SEXES:
            raise InvalidObservation(f"Sex must be one of {', '.join(SEXES)}, not '{sex}'.")
        if not isinstance(date_of_birth, dt.date) or not (
            dt.date(1900, 1, 1) <= date_of_birth <= dt.date.today()
        ):
            raise InvalidObservation(f"'{date_of_birth}' is not a plausible date of birth.")
        return {
            "name": name,
            "date_of_birth": date_of_birth.isoformat(),
            "sex": sex,
            "clinic_id": clean_text(clinic_id, "clinic identifier").strip(),
            "contact": clean_text(contact, "contact"),
            "notes": clean_text(notes, "patient notes"),
            "search_name": fold(name),
        }

    @_storage_call
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
        stamp = _now()
        self._writable()
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO patients (name, date_of_birth, sex, clinic_id, contact, notes, "
                "search_name, created_at, updated_at) VALUES (:name, :date_of_birth, :sex, "
                ":clinic_id, :contact, :notes, :search_name, :at, :at)",
                {**row, "at": stamp},
            )
            patient_id = int(cursor.lastrowid or 0)
            audit.append(self.db, self.actor, "create", "patient", patient_id)
        return self.get_patient(patient_id)

    @_storage_call
    def update_patient(self, patient: Patient) -> None:
        """Save a patient's details; the audit entry names the fields changed, not their values."""
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
        with self._change("update", "patient", patient.id, ", ".join(changed)):
            self.db.execute(
                "UPDATE patients SET name = :name, date_of_birth = :date_of_birth, sex = :sex, "
                "clinic_id = :clinic_id, contact = :contact, notes = :notes, "
                "search_name = :search_name, updated_at = :at WHERE id = :id",
                {**row, "at": _now(), "id": patient.id},
            )

    @staticmethod
    def _patient(row: Sequence[Any]) -> Patient:
        return Patient(
            int(row[0]), row[1], dt.date.fromisoformat(row[2]), row[3], row[4], row[5], row[6]
        )

    @_storage_call
    def get_patient(self, patient_id: int) -> Patient:
        """One patient; RecordNotFound if there is none with that ID."""
        row = self.db.execute(
            f"SELECT {PATIENT_COLUMNS} FROM patients WHERE id = ?", [patient_id]
        ).fetchone()
        if row is None:
            raise RecordNotFound(f"There is no patient with ID {patient_id}.")
        return self._patient(row)

    @_storage_call
    def search_patients(self, text: str, limit: int = 50) -> list[Patient]:
        """Patients by name fragment, date of birth or clinic identifier; "" gives the latest."""
        text = text.strip()
        run = self.db.execute
        if not text:
            rows = run(
                f"SELECT {PATIENT_COLUMNS} FROM patients ORDER BY updated_at DESC, id DESC LIMIT ?",
                [limit],
            ).fetchall()
            return [self._patient(r) for r in rows]
        born = parse_date(text)
        if born is not None:
            rows = run(
                f"SELECT {PATIENT_COLUMNS} FROM patients WHERE date_of_birth = ? LIMIT ?",
                [born.isoformat(), limit],
            ).fetchall()
            return sorted((self._patient(r) for r in rows), key=lambda p: (fold(p.name), p.id))
        # Exact identifier matches first, then name matches in name order.
        rows = run(BY_CLINIC_ID, [text, limit]).fetchall()
        query = fts_query(text)
        if query and len(rows) < limit:
            by_name = run(BY_NAME, [query, limit]).fetchall()
            by_name.sort(key=lambda r: (r[-1], r[0]))
            seen = {r[0] for r in rows}
            rows += [r for r in by_name if r[0] not in seen]
        return [self._patient(r) for r in rows[:limit]]

    @_storage_call
    def patient_count(self) -> int:
        """How many patients the database holds."""
        return int(self.db.execute("SELECT count(*) FROM patients").fetchone()[0])

    # -- episodes ----------------------------------------------------------------------------

    def _insert_episode(self, patient_id: int, title: str, started_on: dt.date) -> int:
        cursor = self.db.execute(
            "INSERT INTO episodes (patient_id, title, started_on, created_at) VALUES (?, ?, ?, ?)",
            [patient_id, title, started_on.isoformat(), _now()],
        )
        episode_id = int(cursor.lastrowid or 0)
        audit.append(self.db, self.actor, "create", "episode", episode_id, f"patient {patient_id}")
        return episode_id

    @_storage_call
    def create_episode(self, patient_id: int, title: str) -> Episode:
        """Start an episode of care (one complaint followed over time)."""
        title = clean_text(title, "episode title").strip()
        if not title:
            raise InvalidObservation("An episode needs a title.")
        self.get_patient(patient_id)
        self._writable()
        with self.db.atomic():
            episode_id = self._insert_episode(patient_id, title, dt.date.today())
        return next(e for e in self.episodes(patient_id) if e.id == episode_id)

    @_storage_call
    def episodes(self, patient_id: int) -> list[Episode]:
        """A patient's episodes, oldest first."""
        rows = self.db.execute(
            "SELECT id, patient_id, title, started_on FROM episodes WHERE patient_id = ? "
            "ORDER BY started_on, id",
            [patient_id],
        ).fetchall()
        return [Episode(r[0], r[1], r[2], dt.date.fromisoformat(r[3])) for r in rows]

    # -- visits ------------------------------------------------------------------------------

    def _presentations(self, presentations: Sequence[str]) -> list[str]:
        if isinstance(presentations, str):
            raise InvalidObservation("Presentations must be a list of IDs.")
        for pid in presentations:
            if pid not in self.kb.presentations:
                raise InvalidObservation(f"Unknown presentation '{pid}'.")
        return list(dict.fromkeys(presentations))

    @_storage_call
    def create_visit(
        self,
        patient_id: int,
        visit_type: str,
        presentations: Sequence[str],
        visit_date: dt.date | None = None,
        episode_id: int | None = None,
    ) -> Visit:
        """A new draft visit; a follow-up or discharge joins the patient's latest episode."""
        if visit_type not in VISIT_TYPES:
            raise InvalidObservation(
                f"Visit type must be one of {', '.join(VISIT_TYPES)}, not '{visit_type}'."
            )
        chosen = self._presentations(presentations)
        day = visit_date or dt.date.today()
        self.get_patient(patient_id)
        self._writable()
        with self.db.atomic():
            if episode_id is None and visit_type != "initial":
                row = self.db.execute(
                    "SELECT id FROM episodes WHERE patient_id = ? "
                    "ORDER BY started_on DESC, id DESC LIMIT 1",
                    [patient_id],
                ).fetchone()
                episode_id = row[0] if row else None
            if episode_id is None:
                names = [self.kb.presentations[p].name for p in chosen]
                episode_id = self._insert_episode(
                    patient_id, " and ".join(names) or "Assessment", day
                )
            elif (
                self.db.execute(
                    "SELECT 1 FROM episodes WHERE id = ? AND patient_id = ?",
                    [episode_id, patient_id],
                ).fetchone()
                is None
            ):
                raise RecordNotFound(f"Patient {patient_id} has no episode {episode_id}.")
            stamp = _now()
            cursor = self.db.execute(
                "INSERT INTO visits (patient_id, episode_id, visit_date, visit_type, "
                "presentations, kb_version, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    patient_id,
                    episode_id,
                    day.isoformat(),
                    visit_type,
                    _dumps(chosen),
                    self.kb.version,
                    stamp,
                    stamp,
                ],
            )
            visit_id = int(cursor.lastrowid or 0)
            audit.append(self.db, self.actor, "create", "visit", visit_id, f"patient {patient_id}")
        return self.get_visit(visit_id)

    @_storage_call
    def get_visit(self, visit_id: int) -> Visit:
        """A visit with everything recorded at it and, once signed, its differential snapshot."""
        run = self.db.execute
        row = run(
            "SELECT id, patient_id, episode_id, visit_date, visit_type, status, kb_version, "
            "presentations, plan, signed_at, signed_by, fingerprint, d.snapshot "
            "FROM visits LEFT JOIN differentials d ON d.sha256 = visits.differential "
            "WHERE id = ?",
            [visit_id],
        ).fetchone()
        if row is None:
            raise RecordNotFound(f"There is no visit with ID {visit_id}.")
        answers = {
            r[0]: _answer(r[1])
            for r in run("SELECT prompt_id, value FROM answers WHERE visit_id = ?", [visit_id])
        }
        exam: dict[str, dict[str, ExamValue]] = {}
        for item_id, side, value in run(
            "SELECT item_id, side, value FROM exam_findings WHERE visit_id = ?", [visit_id]
        ):
            exam.setdefault(item_id, {})[side] = json.loads(value)
        marks = tuple(
            sorted(
                Mark(*r)
                for r in run(
                    "SELECT region, symptom, side FROM body_marks WHERE visit_id = ?", [visit_id]
                )
            )
        )
        measures = {
            r[0]: MeasureResult(r[0], json.loads(r[1]), r[2])
            for r in run(
                "SELECT measure_id, responses, score FROM measure_results WHERE visit_id = ?",
                [visit_id],
            )
        }
        acks = {
            r[0]: RedFlagAck(r[0], bool(r[1]), r[2], r[3], dt.datetime.fromisoformat(r[4]))
            for r in run(
                "SELECT flag_id, referred, reason, acknowledged_by, acknowledged_at "
                "FROM red_flag_acks WHERE visit_id = ?",
                [visit_id],
            )
        }
        observations = Observations(tuple(json.loads(row[7])), answers, exam, marks)
        return Visit(
            id=row[0],
            patient_id=row[1],
            episode_id=row[2],
            visit_date=dt.date.fromisoformat(row[3]),
            visit_type=row[4],
            status=row[5],
            kb_version=row[6],
            observations=observations,
            plan=row[8],
            measures=measures,
            red_flag_acks=acks,
            signed_at=dt.datetime.fromisoformat(row[9]) if row[9] else None,
            signed_by=row[10],
            fingerprint=row[11],
            signed_differential=Differential.from_dict(json.loads(row[12])) if row[12] else None,
        )

    @_storage_call
    def list_visits(self, patient_id: int) -> list[VisitSummary]:
        """A patient's visits, newest first."""
        rows = self.db.execute(
            "SELECT id, visit_date, visit_type, status, leading_condition FROM visits "
            "WHERE patient_id = ? ORDER BY visit_date DESC, id DESC",
            [patient_id],
        ).fetchall()
        return [VisitSummary(r[0], dt.date.fromisoformat(r[1]), r[2], r[3], r[4]) for r in rows]

    def _require_draft(self, visit_id: int) -> None:
        row = self.db.execute("SELECT status FROM visits WHERE id = ?", [visit_id]).fetchone()
        if row is None:
            raise RecordNotFound(f"There is no visit with ID {visit_id}.")
        if row[0] == SIGNED:
            raise VisitLocked(
                f"Visit {visit_id} is signed and can no longer be changed. "
                "Add an amendment instead."
            )

    def _update_visit(
        self, visit_id: int, detail: str, assignments: str, values: list[Any]
    ) -> None:
        with self._change("update", "visit", visit_id, detail):
            cursor = self.db.execute(
                f"UPDATE visits SET {assignments}, updated_at = ? WHERE id = ?",
                [*values, _now(), visit_id],
            )
            if cursor.rowcount == 0:
                raise RecordNotFound(f"There is no visit with ID {visit_id}.")

    def _visit_row_write(
        self, visit_id: int, detail: str, sql: str, values: list[Any], action: str = "update"
    ) -> None:
        """Insert or delete one recorded item; a delete that changes nothing is not audited."""
        self._writable()
        try:
            with self.db.atomic():
                cursor = self.db.execute(sql, values)
                if cursor.rowcount == 0:
                    self._require_draft(visit_id)
                    return
                audit.append(self.db, self.actor, action, "visit", visit_id, detail)
        except sqlite3.IntegrityError as exc:
            if "FOREIGN KEY" in str(exc):
                raise RecordNotFound(f"There is no visit with ID {visit_id}.") from None
            raise

    @_storage_call
    def set_presentations(self, visit_id: int, presentations: Sequence[str]) -> None:
        """Replace the visit's presentations."""
        chosen = self._presentations(presentations)
        self._update_visit(visit_id, "presentations", "presentations = ?", [_dumps(chosen)])

    @_storage_call
    def save_answer(self, visit_id: int, prompt_id: str, value: Any | None) -> None:
        """Save (or with None, clear) one history answer: one short transaction, for autosave."""
        if value is None:
            if prompt_id not in self.kb.prompts:
                raise InvalidObservation(f"Unknown history prompt '{prompt_id}'.")
            sql = "DELETE FROM answers WHERE visit_id = ? AND prompt_id = ?"
            self._visit_row_write(visit_id, f"cleared {prompt_id}", sql, [visit_id, prompt_id])
            return
        stored = _dumps(validate_answer(self.kb, prompt_id, value))
        sql = (
            "INSERT INTO answers (visit_id, prompt_id, value) VALUES (?, ?, ?) "
            "ON CONFLICT (visit_id, prompt_id) DO UPDATE SET value = excluded.value"
        )
        self._visit_row_write(visit_id, f"answer {prompt_id}", sql, [visit_id, prompt_id, stored])

    @_storage_call
    def save_exam(self, visit_id: int, item_id: str, side: str, value: Any | None) -> None:
        """Save (or with None, clear) one examination result on one side."""
        if value is None:
            validate_exam_side = self.kb.exam_items.get(item_id)
            if validate_exam_side is None:
                raise InvalidObservation(f"Unknown examination item '{item_id}'.")
            sql = "DELETE FROM exam_findings WHERE visit_id = ? AND item_id = ? AND side = ?"
            detail = f"cleared {item_id} {side}"
            self._visit_row_write(visit_id, detail, sql, [visit_id, item_id, side])
            return
        stored = _dumps(validate_exam(self.kb, item_id, side, value))
        sql = (
            "INSERT INTO exam_findings (visit_id, item_id, side, value) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (visit_id, item_id, side) DO UPDATE SET value = excluded.value"
        )
        detail = f"exam {item_id} {side}"
        self._visit_row_write(visit_id, detail, sql, [visit_id, item_id, side, stored])

    @_storage_call
    def set_mark(self, visit_id: int, mark: Mark, present: bool) -> None:
        """Add or remove one body-chart mark."""
        mark = validate_mark(self.kb, mark.region, mark.symptom, mark.side)
        values = [visit_id, mark.region, mark.symptom, mark.side]
        if present:
            sql = (
                "INSERT OR IGNORE INTO body_marks (visit_id, region, symptom, side) "
                "VALUES (?, ?, ?, ?)"
            )
            detail = f"mark {mark.region} {mark.symptom} {mark.side}"
        else:
            sql = (
                "DELETE FROM body_marks WHERE visit_id = ? AND region = ? AND symptom = ? "
                "AND side = ?"
            )
            detail = f"unmarked {mark.region} {mark.symptom} {mark.side}"
        self._visit_row_write(visit_id, detail, sql, values)

    @_storage_call
    def save_measure(
        self, visit_id: int, measure_id: str, responses: dict[str, float]
    ) -> MeasureResult:
        """Save an outcome measure's responses and score; no responses clears it."""
        measure = self.kb.measures.get(measure_id)
        if measure is None:
            raise InvalidObservation(f"Unknown outcome measure '{measure_id}'.")
        result = score(measure, responses)
        clean = {k: float(v) for k, v in responses.items()}
        if not clean:
            sql = "DELETE FROM measure_results WHERE visit_id = ? AND measure_id = ?"
            self._visit_row_write(visit_id, f"cleared {measure_id}", sql, [visit_id, measure_id])
            return MeasureResult(measure_id, {}, None)
        sql = (
            "INSERT INTO measure_results (visit_id, measure_id, responses, score) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (visit_id, measure_id) DO UPDATE SET "
            "responses = excluded.responses, score = excluded.score"
        )
        values = [visit_id, measure_id, _dumps(clean), result.value]
        self._visit_row_write(visit_id, f"measure {measure_id}", sql, values)
        return MeasureResult(measure_id, clean, result.value)

    @_storage_call
    def measure_history(self, patient_id: int, measure_id: str) -> list[tuple[dt.date, int, float]]:
        """(visit date, visit id, score) of the patient's scored visits, oldest first."""
        rows = self.db.execute(
            "SELECT v.visit_date, v.id, m.score FROM measure_results m "
            "JOIN visits v ON v.id = m.visit_id "
            "WHERE v.patient_id = ? AND m.measure_id = ? AND m.score IS NOT NULL "
            "ORDER BY v.visit_date, v.id",
            [patient_id, measure_id],
        ).fetchall()
        return [(dt.date.fromisoformat(r[0]), int(r[1]), float(r[2])) for r in rows]

    @_storage_call
    def save_plan(self, visit_id: int, text: str) -> None:
        """Save the plan text (the audit entry says only that the plan changed)."""
        self._update_visit(visit_id, "plan", "plan = ?", [clean_text(text, "plan")])

    @_storage_call
    def set_leading_condition(self, visit_id: int, name: str) -> None:
        """Cache the live differential's leader for the visit list."""
        # Derived from the recorded answers, so not audited: it changes with every answer.
        self._writable()
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE visits SET leading_condition = ? WHERE id = ? AND leading_condition != ?",
                [name, visit_id, name],
            )
            if cursor.rowcount == 0:
                self._require_draft(visit_id)

    @_storage_call
    def acknowledge_red_flag(
        self, visit_id: int, flag_id: str, referred: bool, reason: str
    ) -> RedFlagAck:
        """Record that a red flag was seen and what was done; a reason is needed if not referred."""
        if flag_id not in self.kb.red_flags:
            raise InvalidObservation(f"Unknown red flag '{flag_id}'.")
        reason = clean_text(reason, "reason").strip()
        if not referred and not reason:
            raise InvalidObservation(
                "Give a reason for not referring the patient for "
                f"'{self.kb.red_flags[flag_id].name}'."
            )
        ack = RedFlagAck(flag_id, bool(referred), reason, self.actor, audit.now())
        sql = (
            "INSERT INTO red_flag_acks (visit_id, flag_id, referred, reason, acknowledged_by, "
            "acknowledged_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (visit_id, flag_id) DO UPDATE "
            "SET referred = excluded.referred, reason = excluded.reason, "
            "acknowledged_by = excluded.acknowledged_by, acknowledged_at = excluded.acknowledged_at"
        )
        values = [
            visit_id,
            flag_id,
            int(ack.referred),
            reason,
            ack.acknowledged_by,
            ack.acknowledged_at.isoformat(),
        ]
        detail = f"red flag {flag_id}: {'referred' if referred else 'not referred'}"
        self._visit_row_write(visit_id, detail, sql, values, action="acknowledge")
        return ack

    # -- signing and amendments --------------------------------------------------------------

    @_storage_call
    def sign_visit(self, visit_id: int, differential: Differential) -> Visit:
        """Sign: store the differential as shown, the leader and the content fingerprint."""
        self._writable()
        with self.db.atomic():
            self._require_draft(visit_id)
            leading = differential.leading
            visit, children = audit.visit_content(self.db, visit_id)
            snapshot = _dumps(differential.to_dict())
            snapshot_key = audit.sha256(snapshot)
            self.db.execute(
                "INSERT OR IGNORE INTO differentials (sha256, snapshot) VALUES (?, ?)",
                [snapshot_key, snapshot],
            )
            visit.update(
                status=SIGNED,
                signed_at=_now(),
                signed_by=self.actor,
                differential=snapshot_key,
                leading_condition=leading.name if leading else "",
            )
            fingerprint = audit.visit_fingerprint(visit, children)
            self.db.execute(
                "UPDATE visits SET status = :status, signed_at = :signed_at, "
                "signed_by = :signed_by, differential = :differential, "
                "leading_condition = :leading_condition, fingerprint = :fingerprint, "
                "updated_at = :signed_at WHERE id = :id",
                {**visit, "fingerprint": fingerprint},
            )
            audit.append(
                self.db,
                self.actor,
                "sign",
                "visit",
                visit_id,
                audit.FINGERPRINT_PREFIX + fingerprint,
            )
        return self.get_visit(visit_id)

    @_storage_call
    def amend_visit(self, visit_id: int, text: str, reason: str) -> Amendment:
        """Add an amendment (the way to correct a signed visit); audited with its hash."""
        text = clean_text(text, "amendment").strip()
        reason = clean_text(reason, "reason for the amendment").strip()
        if not text or not reason:
            raise InvalidObservation("An amendment needs both its text and a reason.")
        self._writable()
        with self.db.atomic():
            if self.db.execute("SELECT 1 FROM visits WHERE id = ?", [visit_id]).fetchone() is None:
                raise RecordNotFound(f"There is no visit with ID {visit_id}.")
            row = {
                "visit_id": visit_id,
                "text": text,
                "reason": reason,
                "author": self.actor,
                "created_at": _now(),
            }
            cursor = self.db.execute(
                "INSERT INTO amendments (visit_id, text, reason, author, created_at) "
                "VALUES (:visit_id, :text, :reason, :author, :created_at)",
                row,
            )
            row["id"] = int(cursor.lastrowid or 0)
            detail = f"{audit.AMENDMENT_PREFIX}{row['id']} {audit.amendment_hash(row)}"
            audit.append(self.db, self.actor, "amend", "visit", visit_id, detail)
        return self._amendment(row)

    @staticmethod
    def _amendment(row: dict[str, Any]) -> Amendment:
        return Amendment(
            row["id"],
            row["visit_id"],
            row["text"],
            row["reason"],
            row["author"],
            dt.datetime.fromisoformat(row["created_at"]),
        )

    @_storage_call
    def amendments(self, visit_id: int) -> list[Amendment]:
        """A visit's amendments, oldest first."""
        rows = self.db.query("SELECT * FROM amendments WHERE visit_id = ? ORDER BY id", [visit_id])
        return [self._amendment(r) for r in rows]

    # -- audit -------------------------------------------------------------------------------

    @_storage_call
    def record_export(self, visit_id: int, kind: str, filename: str) -> None:
        """Audit an export (kind and file type only: a file name can identify the patient)."""
        if self.read_only:
            log.info("export of visit %s not audited: database is read-only", visit_id)
            return
        suffix = Path(filename).suffix.lstrip(".").lower() or "file"
        with self._change("export", "visit", visit_id, f"{kind} ({suffix})"):
            pass

    @_storage_call
    def audit_trail(
        self, entity: str | None = None, entity_id: str | None = None
    ) -> list[AuditEntry]:
        """Audit entries, oldest first, optionally for one entity (and one of its IDs)."""
        where, values = [], []
        if entity is not None:
            where.append("entity = ?")
            values.append(entity)
        if entity_id is not None:
            where.append("entity_id = ?")
            values.append(str(entity_id))
        sql = "SELECT id, at, actor, action, entity, entity_id, detail, hash FROM audit_log"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self.db.execute(sql + " ORDER BY id", values).fetchall()
        return [
            AuditEntry(r[0], dt.datetime.fromisoformat(r[1]), r[2], r[3], r[4], r[5], r[6], r[7])
            for r in rows
        ]

    @_storage_call
    def verify(self) -> list[str]:
        """Problems in the audit chain, signed visits, amendments or the file; [] when intact."""
        return audit.integrity_problems(self.db.conn) + audit.verify(self.db)

    # -- backup ------------------------------------------------------------------------------

    @_storage_call
    def backup_to(self, dest: Path) -> Path:
        """A consistent copy with SQLite's online backup API (written aside, then renamed)."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not self.read_only:
            with self._change("backup", "database", "", f"to {dest.name}"):
                pass
        copy_database(self.db.conn, dest, self.path)
        return dest
