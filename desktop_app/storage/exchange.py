"""The queries and audit entries that exports and imports need beyond the repository's own.

Plain functions over an open Repository, so that all SQL stays in storage.
"""

from __future__ import annotations

import datetime as dt
import logging

from desktop_app.core.records import Patient
from desktop_app.storage import audit
from desktop_app.storage.encryption import DB_OR_STORAGE_ERRORS
from desktop_app.storage.patients import PATIENT_COLUMNS, _patient
from desktop_app.storage.repository import Repository
from desktop_app.storage.search import fold
from desktop_app.storage.store import storage_call

log = logging.getLogger(__name__)


@storage_call
def visits_between(repo: Repository, first: dt.date, last: dt.date) -> list[int]:
    """IDs of the visits dated first..last (inclusive), by date then ID."""
    rows = repo.db.execute(
        "SELECT id FROM visits WHERE visit_date BETWEEN ? AND ? ORDER BY visit_date, id",
        [first.isoformat(), last.isoformat()],
    ).fetchall()
    return [int(r[0]) for r in rows]


@storage_call
def existing_patient(
    repo: Repository, name: str, date_of_birth: dt.date, clinic_id: str
) -> Patient | None:
    """A stored patient with the same clinic identifier, or the same name and date of birth."""
    if clinic_id.strip():
        row = repo.db.execute(
            f"SELECT {PATIENT_COLUMNS} FROM patients WHERE clinic_id = ? COLLATE NOCASE LIMIT 1",
            [clinic_id.strip()],
        ).fetchone()
        if row is not None:
            return _patient(row)
    row = repo.db.execute(
        f"SELECT {PATIENT_COLUMNS} FROM patients WHERE search_name = ? AND date_of_birth = ? "
        "LIMIT 1",
        [fold(name.strip()), date_of_birth.isoformat()],
    ).fetchone()
    return None if row is None else _patient(row)


@storage_call
def record_exchange(
    repo: Repository, action: str, entity: str, entity_id: object, detail: str
) -> None:
    """Audit an export or import (formats and counts only, never names or file paths).

    Call inside `repo.batch()` to make the entry part of the same transaction as the change.
    """
    if repo.read_only:
        log.info("%s of %s %s not audited: database is read-only", action, entity, entity_id)
        return
    inside = repo.db.conn.in_transaction  # part of an import: fails with it
    try:
        with repo.batch():
            audit.append(repo.db, repo.actor, action, entity, entity_id, detail)
    except DB_OR_STORAGE_ERRORS as exc:
        if inside:
            raise
        # An export already written stays reported as written: the log says why not audited.
        log.warning("%s of %s %s written but not audited: %s", action, entity, entity_id, exc)
