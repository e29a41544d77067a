"""Visits and everything recorded at them: one short audited transaction per change."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from desktop_app.core.differential import Differential  # the record, not the engine
from desktop_app.core.errors import InvalidObservation, VisitLocked
from desktop_app.core.follow_up import check_visit_date
from desktop_app.core.measures import score
from desktop_app.core.observations import ExamValue, Mark, Observations, RegionDetail
from desktop_app.core.records import (
    VISIT_TYPES,
    MeasureResult,
    RedFlagAck,
    Visit,
    VisitSummary,
)
from desktop_app.core.validation import clean_text, validate_answer, validate_exam, validate_mark
from desktop_app.storage import audit
from desktop_app.storage.clinicians import ClinicianStore
from desktop_app.storage.encryption import INTEGRITY_ERRORS
from desktop_app.storage.errors import RecordNotFound
from desktop_app.storage.signatures import SIGNED
from desktop_app.storage.store import dumps, now_text, storage_call

DRAFT = "draft"


# A visit's recorded items in one statement (the read-back after every autosave): the kind of
# row (answer, examination result, mark, region details), then its columns.
_RECORDED_ITEMS = (
    "SELECT 0, prompt_id, value, NULL, CAST(NULL AS INTEGER), NULL FROM answers WHERE visit_id = ? "
    "UNION ALL SELECT 1, item_id, side, value, CAST(NULL AS INTEGER), NULL FROM exam_findings "
    "WHERE visit_id = ? UNION ALL SELECT 2, region, symptom, side, CAST(NULL AS INTEGER), NULL "
    "FROM body_marks WHERE visit_id = ? UNION ALL SELECT 3, region, side, NULL, intensity, "
    "qualities FROM body_region_details WHERE visit_id = ?"
)


def _answer(text: str) -> Any:
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else value


class VisitStore(ClinicianStore):
    """Creating, reading and recording visits (drafts)."""

    # -- visits ------------------------------------------------------------------------------

    def _presentations(self, presentations: Sequence[str]) -> list[str]:
        if isinstance(presentations, str):
            raise InvalidObservation("Presentations must be a list of IDs.")
        for pid in presentations:
            if pid not in self.kb.presentations:
                raise InvalidObservation(f"Unknown presentation '{pid}'.")
        return list(dict.fromkeys(presentations))

    @storage_call
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
        patient = self.get_patient(patient_id)
        day = check_visit_date(visit_date or dt.date.today(), born=patient.date_of_birth)
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
            stamp = now_text()
            cursor = self.db.execute(
                "INSERT INTO visits (patient_id, episode_id, visit_date, visit_type, "
                "presentations, kb_version, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    patient_id,
                    episode_id,
                    day.isoformat(),
                    visit_type,
                    dumps(chosen),
                    self.kb.version,
                    stamp,
                    stamp,
                ],
            )
            visit_id = int(cursor.lastrowid or 0)
            audit.append(self.db, self.actor, "create", "visit", visit_id, f"patient {patient_id}")
        return self.get_visit(visit_id)

    @storage_call
    def get_visit(self, visit_id: int) -> Visit:
        """A visit with everything recorded at it and, once signed, its differential snapshot."""
        run = self.db.execute
        row = run(
            "SELECT id, patient_id, episode_id, visit_date, visit_type, status, kb_version, "
            "presentations, plan, signed_at, signed_by, fingerprint, d.snapshot, version "
            "FROM visits LEFT JOIN differentials d ON d.sha256 = visits.differential "
            "WHERE id = ?",
            [visit_id],
        ).fetchone()
        if row is None:
            raise RecordNotFound(f"There is no visit with ID {visit_id}.")
        self._saw_version(visit_id, row[13])
        measures = {
            r[0]: MeasureResult(r[0], json.loads(r[1]), r[2])
            for r in run(
                "SELECT measure_id, responses, score FROM measure_results WHERE visit_id = ?",
                [visit_id],
            )
        }
        labels: dict[str, dict[str, str]] = {}
        for measure_id, key, label in run(
            "SELECT measure_id, item_key, label FROM measure_labels WHERE visit_id = ?", [visit_id]
        ):
            labels.setdefault(measure_id, {})[key] = label
        acks = {
            r[0]: RedFlagAck(r[0], bool(r[1]), r[2], r[3], dt.datetime.fromisoformat(r[4]))
            for r in run(
                "SELECT flag_id, referred, reason, acknowledged_by, acknowledged_at "
                "FROM red_flag_acks WHERE visit_id = ?",
                [visit_id],
            )
        }
        observations = self._observations(visit_id, json.loads(row[7]))
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
            measure_labels=labels,
            red_flag_acks=acks,
            signed_at=dt.datetime.fromisoformat(row[9]) if row[9] else None,
            signed_by=row[10],
            fingerprint=row[11],
            signed_differential=Differential.from_dict(json.loads(row[12])) if row[12] else None,
        )

    @storage_call
    def list_visits(self, patient_id: int) -> list[VisitSummary]:
        """A patient's visits, newest first."""
        rows = self.db.execute(
            "SELECT id, visit_date, visit_type, status, leading_condition FROM visits "
            "WHERE patient_id = ? ORDER BY visit_date DESC, id DESC",
            [patient_id],
        ).fetchall()
        return [VisitSummary(r[0], dt.date.fromisoformat(r[1]), r[2], r[3], r[4]) for r in rows]

    @storage_call
    def observations(self, visit_id: int) -> Observations:
        """What is recorded at a visit (presentations, answers, examination, marks)."""
        row = self.db.execute(
            "SELECT presentations, version FROM visits WHERE id = ?", [visit_id]
        ).fetchone()
        if row is None:
            raise RecordNotFound(f"There is no visit with ID {visit_id}.")
        self._saw_version(visit_id, row[1])
        return self._observations(visit_id, json.loads(row[0]))

    def _observations(self, visit_id: int, presentations: list[str]) -> Observations:
        answers: dict[str, Any] = {}
        exam: dict[str, dict[str, ExamValue]] = {}
        marks: list[Mark] = []
        regions: dict[tuple[str, str], RegionDetail] = {}
        for kind, a, b, c, intensity, qualities in self.db.execute(_RECORDED_ITEMS, [visit_id] * 4):
            if kind == 0:
                answers[a] = _answer(b)
            elif kind == 1:
                exam.setdefault(a, {})[b] = json.loads(c)
            elif kind == 2:
                marks.append(Mark(a, b, c))
            else:
                regions[(a, b)] = RegionDetail(intensity, tuple(json.loads(qualities)))
        return Observations(tuple(presentations), answers, exam, tuple(sorted(marks)), regions)

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
                [*values, now_text(), visit_id],
            )
            if cursor.rowcount == 0:
                raise RecordNotFound(f"There is no visit with ID {visit_id}.")
            self._claim_visit(visit_id)

    def _visit_row_write(
        self,
        visit_id: int,
        detail: str,
        sql: str,
        values: list[Any],
        action: str = "update",
        actor: str = "",
    ) -> str | None:
        """Insert or delete one recorded item; a delete that changes nothing is not audited.

        Returns the visit's presentations (JSON) as the write read them, None if it changed
        nothing (for `_recorded`)."""
        self._writable()
        try:
            with self.db.atomic():
                cursor = self.db.execute(sql, values)
                if cursor.rowcount == 0:
                    self._require_draft(visit_id)
                    return None
                presentations = self._claim_visit(visit_id)
                head = self._audit(action, "visit", visit_id, detail, actor)
        except INTEGRITY_ERRORS as exc:
            if "FOREIGN KEY" in str(exc):
                raise RecordNotFound(f"There is no visit with ID {visit_id}.") from None
            raise
        self._entry_committed(head)
        return presentations

    def _recorded(self, visit_id: int, presentations: str | None) -> Observations:
        """What the visit records once written (the version and presentations as the claim
        read them, or, when the write changed nothing, read again)."""
        if presentations is None:
            return self.observations(visit_id)
        return self._observations(visit_id, json.loads(presentations))

    @storage_call
    def set_presentations(self, visit_id: int, presentations: Sequence[str]) -> Observations:
        """Replace the visit's presentations; returns what the visit now records."""
        chosen = self._presentations(presentations)
        self._update_visit(visit_id, "presentations", "presentations = ?", [dumps(chosen)])
        return self.observations(visit_id)

    @storage_call
    def save_answer(self, visit_id: int, prompt_id: str, value: Any | None) -> Observations:
        """Save (or with None, clear) one history answer: one short transaction, for autosave.

        Returns what the visit now records, so a view shows the stored state, not its own copy.
        """
        if isinstance(value, str) and not value.strip():
            value = None  # an emptied text box is no answer, not an empty one
        if value is None:
            if prompt_id not in self.kb.prompts:
                raise InvalidObservation(f"Unknown history prompt '{prompt_id}'.")
            sql = "DELETE FROM answers WHERE visit_id = ? AND prompt_id = ?"
            written = self._visit_row_write(
                visit_id, f"cleared {prompt_id}", sql, [visit_id, prompt_id]
            )
            return self._recorded(visit_id, written)
        stored = dumps(validate_answer(self.kb, prompt_id, value))
        sql = (
            "INSERT INTO answers (visit_id, prompt_id, value) VALUES (?, ?, ?) "
            "ON CONFLICT (visit_id, prompt_id) DO UPDATE SET value = excluded.value"
        )
        written = self._visit_row_write(
            visit_id, f"answer {prompt_id}", sql, [visit_id, prompt_id, stored]
        )
        return self._recorded(visit_id, written)

    @storage_call
    def save_exam(self, visit_id: int, item_id: str, side: str, value: Any | None) -> Observations:
        """Save (or with None, clear) one examination result on one side; returns the record."""
        if value is None:
            if item_id not in self.kb.exam_items:
                raise InvalidObservation(f"Unknown examination item '{item_id}'.")
            sql = "DELETE FROM exam_findings WHERE visit_id = ? AND item_id = ? AND side = ?"
            detail = f"cleared {item_id} {side}"
            written = self._visit_row_write(visit_id, detail, sql, [visit_id, item_id, side])
            return self._recorded(visit_id, written)
        stored = dumps(validate_exam(self.kb, item_id, side, value))
        sql = (
            "INSERT INTO exam_findings (visit_id, item_id, side, value) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (visit_id, item_id, side) DO UPDATE SET value = excluded.value"
        )
        detail = f"exam {item_id} {side}"
        written = self._visit_row_write(visit_id, detail, sql, [visit_id, item_id, side, stored])
        return self._recorded(visit_id, written)

    @storage_call
    def set_mark(self, visit_id: int, mark: Mark, present: bool) -> Observations:
        """Add or remove one body-chart mark; returns what the visit now records."""
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
        written = self._visit_row_write(visit_id, detail, sql, values)
        return self._recorded(visit_id, written)

    @storage_call
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
        values = [visit_id, measure_id, dumps(clean), result.value]
        self._visit_row_write(visit_id, f"measure {measure_id}", sql, values)
        return MeasureResult(measure_id, clean, result.value)

    @storage_call
    def save_plan(self, visit_id: int, text: str) -> None:
        """Save the plan text (the audit entry says only that the plan changed)."""
        self._update_visit(visit_id, "plan", "plan = ?", [clean_text(text, "plan")])

    @storage_call
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

    @storage_call
    def acknowledge_red_flag(
        self, visit_id: int, flag_id: str, referred: bool, reason: str, *, by: int
    ) -> RedFlagAck:
        """Record that a red flag was seen and what was done, by clinician `by`; a reason is
        needed if not referred."""
        if flag_id not in self.kb.red_flags:
            raise InvalidObservation(f"Unknown red flag '{flag_id}'.")
        reason = clean_text(reason, "reason").strip()
        if not referred and not reason:
            raise InvalidObservation(
                "Give a reason for not referring the patient for "
                f"'{self.kb.red_flags[flag_id].name}'."
            )
        clinician = self.author(by)
        ack = RedFlagAck(flag_id, bool(referred), reason, clinician.name, audit.now())
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
        self._visit_row_write(
            visit_id, detail, sql, values, action="acknowledge", actor=clinician.actor
        )
        return ack
