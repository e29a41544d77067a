"""The user's actions that start a visit or re-date it (part of gui.operations).

Both keep the answers pre-filled from the patient record in step with the visit's date: the age
is the age on the visit's day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient, Visit
from desktop_app.storage.repository import Repository

T = TypeVar("T")
AGE_PROMPT = "age_years"  # pre-filled from the date of birth when the knowledge base asks for it
SEX_PROMPT = "sex"  # pre-filled from the patient record when it says female or male


class VisitOperations:
    """Mixed into Operations, which provides `repo`, `kb`, `_run` and `patientsChanged`."""

    repo: Repository
    kb: KnowledgeBase
    patientsChanged: Any

    def _run(self, title: str, action: Callable[[], T], *, write: bool = True) -> T | None:
        raise NotImplementedError  # Operations._run

    def start_visit(
        self,
        patient: Patient,
        visit_type: str,
        presentations: Sequence[str],
        visit_date: dt.date | None = None,
    ) -> Visit | None:
        """Start a visit (a follow-up from the last one), pre-filling age and sex if asked."""

        def create() -> Visit:
            visit = self.repo.start_visit(patient.id, visit_type, visit_date, list(presentations))
            asked = {p.id for p in self.kb.prompts_for(list(presentations))}
            prefilled = False
            if AGE_PROMPT in asked:
                self.repo.save_answer(visit.id, AGE_PROMPT, patient.age_on(visit.visit_date))
                prefilled = True
            if SEX_PROMPT in asked and patient.sex in ("female", "male"):
                self.repo.save_answer(visit.id, SEX_PROMPT, patient.sex)
                prefilled = True
            return self.repo.get_visit(visit.id) if prefilled else visit

        visit = self._run("Could not start the visit", create)
        if visit is not None:
            self.patientsChanged.emit()
        return visit

    def set_visit_date(self, visit: Visit, patient: Patient, day: dt.date) -> Visit | None:
        """Re-date a draft (today or earlier); an age pre-filled for the old day follows it."""

        def redate() -> Visit:
            answers = visit.observations.answers
            with self.repo.batch():  # one transaction: the date and the age change together
                dated = self.repo.set_visit_date(visit.id, day)
                if answers.get(AGE_PROMPT) == patient.age_on(visit.visit_date):
                    self.repo.save_answer(visit.id, AGE_PROMPT, patient.age_on(day))
            return self.repo.get_visit(dated.id)

        return self._run("Could not change the visit date", redate)
