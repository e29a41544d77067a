"""Absurd values through the repository: a clear typed error, and the stored data intact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app import paths
from desktop_app.core.errors import InvalidObservation
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.core.observations import NO_SIDE, SIDES
from desktop_app.core.validation import MAX_LINE, MAX_TEXT
from desktop_app.storage.repository import Repository


@pytest.fixture(scope="module")
def shipped_kb() -> KnowledgeBase:
    # The shipped prompts: a date, durations and numbers with their real ranges.
    return load_knowledge_base(paths.KNOWLEDGE_BASE)


@pytest.fixture
def shipped(tmp_path: Path, shipped_kb: KnowledgeBase) -> Iterator[Repository]:
    repository = Repository.open(tmp_path / "visits.sqlite3", shipped_kb, actor="Dr Test")
    yield repository
    repository.close()


@pytest.fixture
def visit_id(shipped: Repository) -> int:
    patient = shipped.create_patient("Ana Ruiz", dt.date(1974, 3, 14), "female")
    presentations = list(shipped.kb.presentations)
    visit = shipped.create_visit(patient.id, "initial", presentations)
    shipped.save_answer(visit.id, "onset_date", "2025-03")
    shipped.save_answer(visit.id, "symptom_duration", 6)
    return visit.id


TOMORROW = dt.date.today() + dt.timedelta(days=1)
BAD_PATIENTS: list[tuple[str, dict[str, Any], str]] = [
    ("year 1", {"date_of_birth": dt.date(1, 1, 1)}, "before 1900"),
    ("year 9999", {"date_of_birth": dt.date(9999, 12, 31)}, "future"),
    ("born tomorrow", {"date_of_birth": TOMORROW}, "future"),
    ("a datetime", {"date_of_birth": dt.datetime(1974, 3, 14, 12)}, "calendar date"),
    ("a string", {"date_of_birth": "1974-03-14"}, "calendar date"),
    ("long name", {"name": "A" * (MAX_LINE + 1)}, "longer than"),
    ("20,000 characters", {"name": "B" * 20_000}, "longer than"),
    ("name with a newline", {"name": "Ana\nRuiz"}, "control characters"),
    ("long clinic ID", {"clinic_id": "7" * (MAX_LINE + 1)}, "longer than"),
    ("long contact", {"contact": "x" * (MAX_LINE + 1)}, "longer than"),
    ("not text", {"name": 42}, "must be text"),
    ("sex", {"sex": "F"}, "Sex must be"),
]


@pytest.mark.parametrize(
    ("label", "change", "reason"), BAD_PATIENTS, ids=[b[0] for b in BAD_PATIENTS]
)
def test_absurd_patient_values_are_refused_and_nothing_changes(
    shipped: Repository, label: str, change: dict[str, Any], reason: str
) -> None:
    kept = shipped.create_patient("Bo Lind", dt.date(1970, 1, 1), "male", "C-1")
    values = {"name": "Ana Ruiz", "date_of_birth": dt.date(1974, 3, 14), "sex": "female"}
    with pytest.raises(InvalidObservation, match=reason):
        shipped.create_patient(**{**values, **change})
    assert shipped.patient_count() == 1
    with pytest.raises(InvalidObservation, match=reason):
        shipped.update_patient(replace(kept, **change))
    assert shipped.get_patient(kept.id) == kept


BAD_ANSWERS = [
    ("onset_date", "0001-01-01", "before 1900"),
    ("onset_date", "9999-12-31", "future"),
    ("onset_date", TOMORROW.isoformat(), "future"),
    ("onset_date", "2025-02-30", "not a real date"),
    ("onset_date", "yesterday", "YYYY-MM-DD"),
    ("symptom_duration", -1, "0 to 1040 weeks"),
    ("symptom_duration", 1_000_000, "0 to 1040 weeks"),
    ("symptom_duration", float("inf"), "0 to 1040 weeks"),
    ("age_years", 300, "0 to 120 years"),
    ("age_years", float("nan"), "0 to 120 years"),
    ("other_history", "x" * (MAX_TEXT + 1), "longer than"),
]


@pytest.mark.parametrize(("prompt_id", "value", "reason"), BAD_ANSWERS)
def test_absurd_answers_are_refused_and_the_visit_is_unchanged(
    shipped: Repository, visit_id: int, prompt_id: str, value: object, reason: str
) -> None:
    before = shipped.get_visit(visit_id).observations
    with pytest.raises(InvalidObservation, match=reason):
        shipped.save_answer(visit_id, prompt_id, value)
    assert shipped.get_visit(visit_id).observations == before


def test_an_out_of_range_measurement_is_refused(shipped: Repository, visit_id: int) -> None:
    item = next(i for i in shipped.kb.exam_items.values() if i.unit == "MRC grade")
    side = SIDES[0] if item.sided else NO_SIDE
    before = shipped.get_visit(visit_id).observations
    for value in (7, -1, float("nan")):
        with pytest.raises(InvalidObservation, match="0 to 5 MRC grade"):
            shipped.save_exam(visit_id, item.id, side, value)
    assert shipped.get_visit(visit_id).observations == before


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**6), 10**6))
def test_a_number_is_stored_only_within_its_range(
    shipped: Repository, visit_id: int, value: float
) -> None:
    before = shipped.get_visit(visit_id).observations
    if value == value and 0 <= value <= 120:
        stored = shipped.save_answer(visit_id, "age_years", value)
        assert stored.answers["age_years"] == value
    else:
        with pytest.raises(InvalidObservation):
            shipped.save_answer(visit_id, "age_years", value)
        assert shipped.get_visit(visit_id).observations == before
