"""measure_histories: every scored measure of a patient in one query, as measure_history."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit, signer


def test_histories_are_each_measures_history_and_only_the_patients(
    repo: Repository, patient: Patient
) -> None:
    other = repo.create_patient("Other Patient", dt.date(1970, 1, 2), "male", "C-002")
    mine = repo.create_visit(other.id, "initial", ["pain"], dt.date(2026, 1, 1))
    repo.save_measure(mine.id, "pain_scale", {"now": 9})
    # Created out of date order: the histories are oldest first by visit date, as on screen.
    for day, now in ((dt.date(2026, 3, 5), 2), (dt.date(2026, 1, 5), 8), (dt.date(2026, 2, 5), 5)):
        visit = repo.create_visit(patient.id, "follow_up", ["pain"], day)
        repo.save_measure(visit.id, "pain_scale", {"now": now})
    partial = repo.create_visit(patient.id, "follow_up", ["pain"], dt.date(2026, 4, 5))
    repo.save_measure(partial.id, "function", {"a": 2})  # not complete: no score
    histories = repo.measure_histories(patient.id)
    assert histories == {"pain_scale": repo.measure_history(patient.id, "pain_scale")}
    assert [score for _, _, score in histories["pain_scale"]] == [8.0, 5.0, 2.0]
    assert repo.measure_history(patient.id, "function") == []
    assert repo.measure_histories(other.id) == {"pain_scale": [(dt.date(2026, 1, 1), mine.id, 9.0)]}


def test_both_readers_give_the_same_rows_with_signed_amended_and_same_day_visits(
    repo: Repository, patient: Patient, kb: KnowledgeBase
) -> None:
    """measure_history is one entry of measure_histories: the editor's "since last visit" and
    the patient page's charts read the same visits, in the same order."""
    signed = filled_visit(repo, patient.id)  # pain_scale 7 on 2026-01-12, signed
    repo.amend_visit(signed.id, "Pain was 7 at rest.", "Clarified", by=signer(repo))
    later = repo.create_visit(patient.id, "follow_up", ["pain"], dt.date(2026, 2, 1))
    repo.save_measure(later.id, "pain_scale", {"now": 5})
    repo.save_measure(later.id, "function", {"a": 1, "b": 3})
    same_day = repo.create_visit(patient.id, "follow_up", ["pain"], dt.date(2026, 2, 1))
    repo.save_measure(same_day.id, "pain_scale", {"now": 4})
    cleared = repo.create_visit(patient.id, "follow_up", ["pain"], dt.date(2026, 3, 1))
    repo.save_measure(cleared.id, "pain_scale", {"now": 3})
    repo.save_measure(cleared.id, "pain_scale", {})  # cleared again: no longer in the history
    earlier = repo.create_visit(patient.id, "initial", ["pain"], dt.date(2025, 12, 1))
    repo.save_measure(earlier.id, "function", {"a": 0, "b": 1})
    histories = repo.measure_histories(patient.id)
    assert histories == {
        "pain_scale": [
            (dt.date(2026, 1, 12), signed.id, 7.0),
            (dt.date(2026, 2, 1), later.id, 5.0),
            (dt.date(2026, 2, 1), same_day.id, 4.0),
        ],
        "function": [(dt.date(2025, 12, 1), earlier.id, 1.0), (dt.date(2026, 2, 1), later.id, 4.0)],
    }
    for measure_id in kb.measures:
        assert repo.measure_history(patient.id, measure_id) == histories.get(measure_id, [])
