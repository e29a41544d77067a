"""Exports as the commands and the window run them: read from storage, write the file, audit.

The audit entry names the format and counts, never a file name or a patient's details.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_app import paths
from desktop_app.core.codes import Codes, load_codes
from desktop_app.core.errors import ExportError
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient, differential_of
from desktop_app.exchange import csv_export, fhir
from desktop_app.exchange.patient_import import (
    ImportPlan,
    ImportRefused,
    NewPatient,
    plan_csv,
    plan_fhir,
)
from desktop_app.export.files import write_atomically
from desktop_app.storage.exchange import existing_patient, record_exchange, visits_between
from desktop_app.storage.repository import Repository

FHIR_SCOPES = ("visit", "patient")


def codes_for(kb: KnowledgeBase) -> Codes:
    return load_codes(paths.KNOWLEDGE_BASE, kb)


def _json(resource: fhir.Resource) -> bytes:
    return (json.dumps(resource, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


OnVisit = Callable[[int, int], None]  # (visits read, of how many); raising stops the export


@dataclass(frozen=True)
class Written:
    """A file written, and the audit entry it still needs (record_written)."""

    path: Path
    count: int  # resources (FHIR) or visit rows (CSV)
    entity: str
    entity_id: object
    detail: str


def export_fhir(
    repo: Repository, kb: KnowledgeBase, scope: str, record_id: int, out: Path
) -> tuple[Path, int]:
    """A FHIR R4 Bundle of one visit or of one patient's record; (file, number of resources)."""
    done = write_fhir(repo, kb, scope, record_id, out)
    record_written(repo, done)
    return done.path, done.count


def write_fhir(
    repo: Repository,
    kb: KnowledgeBase,
    scope: str,
    record_id: int,
    out: Path,
    on_visit: OnVisit | None = None,
) -> Written:
    """export_fhir without its audit entry: it may read a worker's reading copy."""
    if scope not in FHIR_SCOPES:
        raise ExportError(f"FHIR export is per visit or per patient, not '{scope}'.")
    codes = codes_for(kb)
    if scope == "visit":
        visit = repo.get_visit(record_id)
        patient = repo.get_patient(visit.patient_id)
        bundle = fhir.visit_bundle(kb, codes, patient, visit, differential_of(kb, visit), _now())
        entity, entity_id = "visit", visit.id
    else:
        patient = repo.get_patient(record_id)
        summaries = list(reversed(repo.list_visits(patient.id)))
        visits = []
        for n, summary in enumerate(summaries, 1):
            if on_visit is not None:
                on_visit(n, len(summaries))
            visits.append(repo.get_visit(summary.id))
        bundle = fhir.patient_bundle(
            kb, codes, patient, [(v, differential_of(kb, v)) for v in visits], _now()
        )
        entity, entity_id = "patient", patient.id
    written = write_atomically(_json(bundle), Path(out), what="FHIR JSON file")
    count = len(bundle["entry"])
    return Written(written, count, entity, entity_id, f"fhir-r4 bundle ({count} resources)")


def export_csv(
    repo: Repository,
    kb: KnowledgeBase,
    first: dt.date,
    last: dt.date,
    out: Path,
    *,
    free_text: bool = False,
) -> tuple[Path, int]:
    """Visits dated first..last with their scores as CSV; (file, number of visit rows)."""
    done = write_csv(repo, kb, first, last, out, free_text=free_text)
    record_written(repo, done)
    return done.path, done.count


def write_csv(
    repo: Repository,
    kb: KnowledgeBase,
    first: dt.date,
    last: dt.date,
    out: Path,
    *,
    free_text: bool = False,
    on_visit: OnVisit | None = None,
) -> Written:
    """export_csv without its audit entry: it may read a worker's reading copy."""
    if last < first:
        raise ExportError(f"The period ends ({last}) before it starts ({first}).")
    rows = []
    patients: dict[int, Patient] = {}
    visit_ids = list(visits_between(repo, first, last))
    for n, visit_id in enumerate(visit_ids, 1):
        if on_visit is not None:
            on_visit(n, len(visit_ids))
        visit = repo.get_visit(visit_id)
        if visit.patient_id not in patients:
            patients[visit.patient_id] = repo.get_patient(visit.patient_id)
        rows.append((patients[visit.patient_id], visit, differential_of(kb, visit)))
    data = csv_export.visits_csv(kb, rows, free_text=free_text)
    written = write_atomically(data, Path(out), what="CSV file")
    detail = (
        f"csv visits {first}..{last} ({len(rows)} rows{', with plan text' if free_text else ''})"
    )
    return Written(written, len(rows), "database", "", detail)


def record_written(repo: Repository, done: Written) -> None:
    """The audit entry of a written export (formats and counts only)."""
    record_exchange(repo, "export", done.entity, done.entity_id, done.detail)


IMPORT_KINDS = ("csv", "fhir")


def plan_patient_import(
    repo: Repository, data: bytes, kind: str, mapping: dict[str, str] | None = None
) -> ImportPlan:
    """What importing the file would do; nothing is written."""

    def existing(row: NewPatient) -> int | None:
        found = existing_patient(repo, row.name, row.date_of_birth, row.clinic_id)
        return None if found is None else found.id

    if kind == "fhir":
        return plan_fhir(data, existing)
    return plan_csv(data, existing, mapping)


def apply_patient_import(repo: Repository, plan: ImportPlan) -> list[Patient]:
    """Add the plan's new patients and its audit entry in one transaction (all or nothing)."""
    if not plan.can_apply:
        raise ImportRefused(
            f"{len(plan.problems)} row(s) cannot be imported; nothing was written. "
            f"First: {plan.problems[0]}."
        )
    with repo.batch():
        created = [
            repo.create_patient(row.name, row.date_of_birth, row.sex, clinic_id=row.clinic_id)
            for row in plan.new
        ]
        detail = f"{plan.kind}: {len(created)} added, {len(plan.duplicates)} duplicate(s) skipped"
        record_exchange(repo, "import", "patient", "", detail)
    return created
