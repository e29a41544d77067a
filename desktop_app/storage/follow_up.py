"""Follow-up visits: starting from the previous visit, the visit date, named PSFS activities.

What is carried (core.follow_up): the presenting complaint, the names of patient-specific measure
items and the body-chart marks. Examination findings are never copied; the GUI offers the last
positive ones for re-test (core.follow_up.retests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from desktop_app.core.errors import InvalidObservation
from desktop_app.core.follow_up import CONTINUING_TYPES, check_visit_date
from desktop_app.core.measures import validate_labels
from desktop_app.core.records import Visit
from desktop_app.storage import audit
from desktop_app.storage.errors import RecordNotFound
from desktop_app.storage.store import storage_call
from desktop_app.storage.visits import VisitStore


class FollowUpStore(VisitStore):
    """Visits that continue from the one before."""

    def _latest_before(self, patient_id: int, day: dt.date, visit_id: int | None = None) -> int:
        """The patient's last visit on or before `day` (before visit_id on that day); 0 if none."""
        row = self.db.execute(
            "SELECT id FROM visits WHERE patient_id = ? AND visit_date <= ? AND id != ? "
            "AND (visit_date < ? OR id < ?) ORDER BY visit_date DESC, id DESC LIMIT 1",
            [patient_id, day.isoformat(), visit_id or 0, day.isoformat(), visit_id or 1 << 62],
        ).fetchone()
        return int(row[0]) if row else 0

    @storage_call
    def previous_visit(self, visit_id: int) -> Visit | None:
        """The visit before this one (by date, then order of creation), or None for the first."""
        row = self.db.execute(
            "SELECT patient_id, visit_date FROM visits WHERE id = ?", [visit_id]
        ).fetchone()
        if row is None:
            raise RecordNotFound(f"There is no visit with ID {visit_id}.")
        previous = self._latest_before(row[0], dt.date.fromisoformat(row[1]), visit_id)
        return self.get_visit(previous) if previous else None

    @storage_call
    def start_visit(
        self,
        patient_id: int,
        visit_type: str,
        visit_date: dt.date | None = None,
        presentations: Sequence[str] | None = None,
    ) -> Visit:
        """A new draft visit; a follow-up, re-assessment or discharge starts from the last visit.

        It takes the last visit's presenting complaint (unless `presentations` are given), the
        names of its patient-specific measure items and its body-chart marks, in one transaction
        with the visit's creation and an audit entry naming the visit it came from.
        """
        day = visit_date or dt.date.today()
        source = 0
        if visit_type in CONTINUING_TYPES:
            source = self._latest_before(patient_id, day)
        if presentations is None:
            if not source:
                raise InvalidObservation("Choose at least one presenting complaint.")
            presentations = [
                p
                for p in self.get_visit(source).observations.presentations
                if p in self.kb.presentations
            ]
        self._writable()
        with self.db.atomic():
            visit = self.create_visit(patient_id, visit_type, presentations, day)
            if source:
                self._carry_forward(source, visit.id)
        return self.get_visit(visit.id)

    def _carry_forward(self, source: int, target: int) -> None:
        # Every body_marks column is copied, so details added to a mark later travel with it.
        described = self.db.execute("SELECT * FROM body_marks WHERE 1 = 0").description
        columns = [c[0] for c in described or () if c[0] != "visit_id"]
        names = ", ".join(columns)
        marks = self.db.execute(
            f"INSERT INTO body_marks (visit_id, {names}) "
            f"SELECT ?, {names} FROM body_marks WHERE visit_id = ?",
            [target, source],
        ).rowcount
        # A region's qualities travel with its marks; its intensity is rated again at this visit.
        self.db.execute(
            "INSERT INTO body_region_details (visit_id, region, side, intensity, qualities) "
            "SELECT ?, region, side, NULL, qualities FROM body_region_details "
            "WHERE visit_id = ? AND qualities <> '[]'",
            [target, source],
        )
        labels = self.db.execute(
            "INSERT INTO measure_labels (visit_id, measure_id, item_key, label) "
            "SELECT ?, measure_id, item_key, label FROM measure_labels WHERE visit_id = ?",
            [target, source],
        ).rowcount
        detail = (
            f"carried forward from visit {source}: presenting complaint, {marks} body-chart "
            f"marks, {labels} measure item names"
        )
        audit.append(self.db, self.actor, "carry_forward", "visit", target, detail)

    @storage_call
    def set_visit_date(self, visit_id: int, day: dt.date) -> Visit:
        """Re-date a draft visit (today or earlier, not before the patient's birth)."""
        visit = self.get_visit(visit_id)
        check_visit_date(day, born=self.get_patient(visit.patient_id).date_of_birth)
        if day == visit.visit_date and not visit.is_signed:
            return visit
        detail = f"visit date {visit.visit_date.isoformat()} → {day.isoformat()}"
        self._update_visit(visit_id, detail, "visit_date = ?", [day.isoformat()])
        return self.get_visit(visit_id)

    @storage_call
    def save_measure_labels(
        self, visit_id: int, measure_id: str, labels: Mapping[str, str]
    ) -> dict[str, str]:
        """Replace the names of a patient-specific measure's items (the PSFS activities)."""
        measure = self.kb.measures.get(measure_id)
        if measure is None:
            raise InvalidObservation(f"Unknown outcome measure '{measure_id}'.")
        clean = validate_labels(measure, labels)
        stored = self.get_visit(visit_id).measure_labels.get(measure_id, {})
        if stored == clean:
            return clean
        with self._change("update", "visit", visit_id, f"item names {measure_id}"):
            self._require_draft(visit_id)
            self._claim_visit(visit_id)  # another workstation's change is never overwritten
            self.db.execute(
                "DELETE FROM measure_labels WHERE visit_id = ? AND measure_id = ?",
                [visit_id, measure_id],
            )
            self.db.conn.executemany(
                "INSERT INTO measure_labels (visit_id, measure_id, item_key, label) "
                "VALUES (?, ?, ?, ?)",
                [(visit_id, measure_id, key, label) for key, label in sorted(clean.items())],
            )
        return clean

    @storage_call
    def measure_histories(self, patient_id: int) -> dict[str, list[tuple[dt.date, int, float]]]:
        """(visit date, visit id, score) of the patient's scored visits, oldest first, for every
        measure the patient has a score for, in one query.

        The one owner of which visits count: the patient page's charts, the visit editor's
        "since last visit" and measure_history all read it (one query per measure of the
        knowledge base walked every visit of the patient once per measure).
        """
        rows = self.db.execute(
            "SELECT m.measure_id, v.visit_date, v.id, m.score FROM measure_results m "
            "JOIN visits v ON v.id = m.visit_id "
            "WHERE v.patient_id = ? AND m.score IS NOT NULL "
            "ORDER BY v.visit_date, v.id",
            [patient_id],
        ).fetchall()
        histories: dict[str, list[tuple[dt.date, int, float]]] = {}
        for measure_id, day, visit_id, value in rows:
            histories.setdefault(measure_id, []).append(
                (dt.date.fromisoformat(day), int(visit_id), float(value))
            )
        return histories

    @storage_call
    def measure_history(self, patient_id: int, measure_id: str) -> list[tuple[dt.date, int, float]]:
        """One measure's entry of measure_histories (empty if the patient has no score)."""
        return self.measure_histories(patient_id).get(measure_id, [])
