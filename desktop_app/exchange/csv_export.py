"""CSV of visits and measure scores for a clinic audit: one row per visit, no free text unless
asked for (the plan is the only free text a visit row could carry)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from desktop_app.core.diagnosis import Differential, format_probability
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient, Visit

# The patient columns double as the import format (exchange/patient_import.py reads them).
PATIENT_COLUMNS = ("patient_id", "clinic_id", "name", "date_of_birth", "sex")
VISIT_COLUMNS = (
    "visit_id",
    "visit_date",
    "visit_type",
    "status",
    "kb_version",
    "leading_condition",
    "leading_probability",
    "red_flags",
    "signed_at",
    "signed_by",
    "fingerprint",
)


def header(kb: KnowledgeBase, *, free_text: bool) -> list[str]:
    scores = [f"{measure_id}_score" for measure_id in kb.measures]
    return [*PATIENT_COLUMNS, *VISIT_COLUMNS, *scores, *(["plan"] if free_text else [])]


def visit_row(
    kb: KnowledgeBase,
    patient: Patient,
    visit: Visit,
    differential: Differential,
    *,
    free_text: bool,
) -> list[str]:
    leader = differential.leading
    row = [
        str(patient.id),
        patient.clinic_id,
        patient.name,
        patient.date_of_birth.isoformat(),
        patient.sex,
        str(visit.id),
        visit.visit_date.isoformat(),
        visit.visit_type,
        visit.status,
        visit.kb_version,
        leader.name if leader else "",
        format_probability(leader.posterior) if leader else "",
        "; ".join(f"{a.name} ({a.urgency})" for a in differential.red_flags),
        visit.signed_at.isoformat(timespec="seconds") if visit.signed_at else "",
        visit.signed_by,
        visit.fingerprint,
    ]
    for measure_id in kb.measures:
        result = visit.measures.get(measure_id)
        row.append("" if result is None or result.score is None else f"{result.score:g}")
    if free_text:
        row.append(visit.plan)
    return row


def visits_csv(
    kb: KnowledgeBase, rows: Iterable[tuple[Patient, Visit, Differential]], *, free_text: bool
) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read accented names right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header(kb, free_text=free_text))
    for patient, visit, differential in rows:
        writer.writerow(visit_row(kb, patient, visit, differential, free_text=free_text))
    return out.getvalue().encode("utf-8-sig")
