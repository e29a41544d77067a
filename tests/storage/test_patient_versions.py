"""Patient details are saved only over the version they were read at (migration 0009): a second
workstation's edit is refused with who and when, never silently overwriting the first's; and
a search is one statement, so one round trip to a clinic server per keystroke."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from desktop_app.core.errors import PatientConflict
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient
from desktop_app.storage.repository import Repository
from tests.storage.conftest import CLINICIAN


def test_an_edit_from_stale_details_is_refused_naming_who_and_keeping_theirs(
    repo: Repository, patient: Patient
) -> None:
    assert patient.version == 1
    shown_here = repo.get_patient(patient.id)
    repo.update_patient(replace(patient, contact="07700 900123"))  # the other edit, saved first
    with pytest.raises(PatientConflict, match=f"changed on another workstation by {CLINICIAN} at"):
        repo.update_patient(replace(shown_here, contact="01632 960000"))
    stored = repo.get_patient(patient.id)
    assert (stored.contact, stored.version) == ("07700 900123", 2)
    assert [e.action for e in repo.audit_trail("patient", str(patient.id))] == ["create", "update"]
    repo.update_patient(replace(stored, contact="01632 960000"))  # reread: now it saves
    assert repo.get_patient(patient.id).version == 3
    assert repo.verify() == []


def test_details_not_read_from_the_database_save_over_any_version(
    repo: Repository, patient: Patient
) -> None:
    repo.update_patient(replace(patient, notes="First"))
    repo.update_patient(replace(patient, notes="Second", version=0))  # a command, an import
    assert repo.get_patient(patient.id).notes == "Second"


def test_two_workstations_on_one_patient(pg_url: str, kb: KnowledgeBase) -> None:
    with Repository.open_server(pg_url, kb) as first, Repository.open_server(pg_url, kb) as second:
        made = first.create_patient("Łukasz Nowak", dt.date(1970, 4, 5), "male", "C-9")
        theirs = second.search_patients("nowak")[0]
        first.update_patient(replace(first.get_patient(made.id), name="Łukasz Nowak-Kowal"))
        with pytest.raises(
            PatientConflict, match=f"Nowak-Kowal's details were changed.*{CLINICIAN}"
        ):
            second.update_patient(replace(theirs, clinic_id="C-10"))
        assert second.get_patient(made.id).name == "Łukasz Nowak-Kowal"
        assert second.get_patient(made.id).clinic_id == "C-9"


def test_identifier_then_name_matches_in_one_statement(repo: Repository) -> None:
    by_id = repo.create_patient("Zed Adams", dt.date(1970, 1, 1), "male", "kow")
    both = repo.create_patient("Kowal Both", dt.date(1971, 1, 1), "male", "KOW")
    named = [repo.create_patient(n, dt.date(1972, 1, 1), "female").id for n in ("Kowal B", "A Kow")]
    statements: list[str] = []
    if repo.server is None:
        repo.db.conn.set_trace_callback(statements.append)
    found = [p.id for p in repo.search_patients("kow")]
    if repo.server is None:
        repo.db.conn.set_trace_callback(None)
        assert len(statements) == 1
    # Identifier matches first (each once, in name order), then the names in name order.
    assert found == [both.id, by_id.id, named[1], named[0]]
    assert [p.id for p in repo.search_patients("kow", limit=1)] == [both.id]
