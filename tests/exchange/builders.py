"""A real database with one fully recorded, signed visit and one draft, for the exchange tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Mark
from desktop_app.storage.repository import Repository
from tests.storage.helpers import signer


@dataclass(frozen=True)
class Clinic:
    path: Path
    patient_id: int
    signed_visit: int
    draft_visit: int


def clinic(path: Path, kb: KnowledgeBase) -> Clinic:
    with Repository.open(path, kb, actor="test clinician") as repo:
        patient = repo.create_patient(
            "Zoë Łukasiewicz", dt.date(1970, 3, 14), "female", clinic_id="C-1", notes="private"
        )
        signed = repo.create_visit(patient.id, "initial", ["buttock_pain"], dt.date(2026, 3, 2))
        repo.save_answer(signed.id, "saddle_anaesthesia", "yes")  # fires the CES red flag
        repo.save_exam(signed.id, "slr", "left", "positive")
        repo.save_exam(signed.id, "slr", "right", "negative")
        repo.set_mark(signed.id, Mark("deep_gluteal", "pain", "left"), True)
        repo.save_measure(signed.id, "nprs", {"current": 7})
        repo.save_measure(signed.id, "visa_g", {"total": 55})
        repo.save_plan(signed.id, "Secret plan text: refer today.")
        _acknowledge_all(repo, signed.id, kb)
        repo.sign_visit(signed.id, by=signer(repo))
        draft = repo.create_visit(patient.id, "follow_up", ["buttock_pain"], dt.date(2026, 4, 1))
        repo.save_measure(draft.id, "nprs", {"current": 3})
        return Clinic(path, patient.id, signed.id, draft.id)


def _acknowledge_all(repo: Repository, visit_id: int, kb: KnowledgeBase) -> None:
    from desktop_app.core.diagnosis import assess

    visit = repo.get_visit(visit_id)
    for alert in assess(kb, visit.observations).red_flags:
        if alert.flag_id not in visit.red_flag_acks:
            repo.acknowledge_red_flag(visit_id, alert.flag_id, True, "", by=signer(repo))
