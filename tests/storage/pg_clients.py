"""Client processes for the concurrency test: each is one workstation on the same server."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from desktop_app.core.errors import PatientConflict, VisitConflict
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository
from tests.storage.helpers import signer


def workstation(
    url: str,
    kb: KnowledgeBase,
    number: int,
    rounds: int,
    shared: int,
    shared_patient: int,
    barrier: Any,
) -> dict[str, Any]:
    """Each round: read the shared draft and the shared patient, wait for every workstation,
    all save to both at once (one wins each, the others must be told of the conflict); then a
    visit of its own, answered and signed. Returns what this workstation saw succeed and fail."""
    saved: list[tuple[int, int]] = []  # (version written, age value) on the shared draft
    conflicts = 0
    contacts: list[str] = []  # the shared patient's contact, as this workstation saved it
    patient_conflicts = 0
    own: list[int] = []
    with Repository.open_server(url, kb) as repo:
        patient = repo.create_patient(f"Client {number}", dt.date(1970, 1, 1 + number), "other")
        clinician = signer(repo, f"Clinician {number}")
        for n in range(rounds):
            repo.get_visit(shared)  # what this workstation shows
            details = repo.get_patient(shared_patient)
            barrier.wait()
            value = 18 + number * rounds + n
            try:
                repo.save_answer(shared, "age", value)
                saved.append((repo._versions[shared], value))
            except VisitConflict:
                conflicts += 1
            contact = f"client {number} round {n}"
            try:
                repo.update_patient(replace(details, contact=contact))
                contacts.append(contact)
            except PatientConflict:
                patient_conflicts += 1
            barrier.wait()
            visit = repo.create_visit(patient.id, "initial", ["pain"], dt.date(2026, 1, 1 + n))
            repo.save_answer(visit.id, "sitting", "yes")
            repo.save_answer(visit.id, "age", 40 + n)
            repo.save_exam(visit.id, "test_a", "left", "positive")
            repo.sign_visit(visit.id, by=clinician)
            repo.amend_visit(visit.id, f"Round {n}", "Concurrency test", by=clinician)
            own.append(visit.id)
    return {
        "saved": saved,
        "conflicts": conflicts,
        "contacts": contacts,
        "patient_conflicts": patient_conflicts,
        "own": own,
        "patient": patient.id,
    }
