"""measure_histories: every scored measure of a patient in one query, as measure_history."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.records import Patient
from desktop_app.storage.repository import Repository


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
