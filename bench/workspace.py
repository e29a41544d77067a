"""Small databases built afresh in each run with the app's own repository."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bench.full_visit import answers, exam, marks
from desktop_app import paths
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.storage.repository import Repository

BIRTH = dt.date(1970, 5, 17)
FIRST_VISIT = dt.date(2020, 1, 6)


def knowledge_base() -> KnowledgeBase:
    """The shipped knowledge base."""
    return load_knowledge_base(paths.KNOWLEDGE_BASE)


def open_repository(path: Path, kb: KnowledgeBase) -> Repository:
    """The app's repository on ``path`` (created and migrated if missing)."""
    return Repository.open(path, kb)


def patient_with_visits(repo: Repository, visits: int, *, measures: int = 0) -> int:
    """A synthetic patient with ``visits`` visits a day apart, each with a few answers and
    the first ``measures`` outcome measures of the knowledge base scored (one trend chart each)."""
    kb = repo.kb
    recorded = list(answers(kb).items())[:5]
    presentations = list(kb.presentations)[:1]
    scored = [m for m in kb.measures.values() if m.items and not m.patient_specific][:measures]
    with repo.batch():
        patient = repo.create_patient(
            f"Bench Visits-{visits}", BIRTH, "female", clinic_id=f"B-{visits}"
        )
        for n in range(visits):
            kind = "initial" if n == 0 else "follow_up"
            day = FIRST_VISIT + dt.timedelta(days=n)  # 2000 visits end in 2025
            visit = repo.create_visit(patient.id, kind, presentations, visit_date=day)
            for prompt_id, value in recorded:
                repo.save_answer(visit.id, prompt_id, value)
            for measure in scored:  # scores that wander between the items' bounds
                responses = {
                    i.id: i.minimum + (n * 7 + k) % int(i.maximum - i.minimum + 1)
                    for k, i in enumerate(measure.items)
                }
                repo.save_measure(visit.id, measure.id, responses)
    return patient.id


def full_visit(repo: Repository) -> int:
    """A patient with two earlier visits and a full current one; returns the current visit."""
    kb = repo.kb
    patient = repo.create_patient("Bench Full-Visit", BIRTH, "male", clinic_id="B-FULL")
    presentations = list(kb.presentations)
    visit_id = 0
    for n in range(3):
        kind = "initial" if n == 0 else "follow_up"
        day = FIRST_VISIT + dt.timedelta(weeks=2 * n)
        visit_id = repo.create_visit(patient.id, kind, presentations, visit_date=day).id
        for prompt_id, value in answers(kb).items():
            repo.save_answer(visit_id, prompt_id, value)
        for item_id, sides in exam(kb).items():
            for side, value in sides.items():
                repo.save_exam(visit_id, item_id, side, value)
        for mark in marks(kb):
            repo.set_mark(visit_id, mark, True)
        for measure in kb.measures.values():
            if measure.items and not measure.patient_specific:
                responses = {i.id: (i.minimum + i.maximum) / 2 - n for i in measure.items}
                repo.save_measure(visit_id, measure.id, responses)
        repo.save_plan(visit_id, "Synthetic benchmark plan: education, loading programme, review.")
    return visit_id
