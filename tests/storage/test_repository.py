"""Creating, reading and saving patients and visits through the repository."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.diagnosis import assess
from desktop_app.core.errors import InvalidObservation, VisitLocked
from desktop_app.core.observations import Mark
from desktop_app.core.records import Patient
from desktop_app.storage.errors import RecordNotFound
from desktop_app.storage.repository import Repository


def test_patient_round_trips(repo: Repository, patient: Patient) -> None:
    assert repo.get_patient(patient.id) == patient
    assert patient.name == "Zoë Łukasiewicz"
    assert repo.patient_count() == 1
    with pytest.raises(RecordNotFound):
        repo.get_patient(patient.id + 1)


def test_visit_answers_exam_marks_round_trip(repo: Repository, patient: Patient) -> None:
    visit = repo.create_visit(patient.id, "initial", ["dent"], dt.date(2026, 3, 2))
    assert visit.status == "draft" and visit.kb_version == repo.kb.version
    repo.save_answer(visit.id, "sitting", "yes")
    repo.save_answer(visit.id, "age", 61)
    repo.save_exam(visit.id, "test_a", "left", "positive")
    repo.set_mark(visit.id, Mark("buttock", "depression", "left"), True)
    repo.save_plan(visit.id, "Reassure; review in 6 weeks.")
    stored = repo.get_visit(visit.id).observations
    assert stored.presentations == ("dent",)
    assert stored.answers == {"sitting": "yes", "age": 61}
    assert stored.exam == {"test_a": {"left": "positive"}}
    assert stored.marks == (Mark("buttock", "depression", "left"),)
    repo.save_answer(visit.id, "age", None)
    assert "age" not in repo.get_visit(visit.id).observations.answers
    assert repo.get_visit(visit.id).plan == "Reassure; review in 6 weeks."


def test_unknown_ids_and_absurd_values_are_refused(repo: Repository, patient: Patient) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    with pytest.raises(InvalidObservation, match="no_such_prompt"):
        repo.save_answer(visit.id, "no_such_prompt", "yes")
    with pytest.raises(InvalidObservation, match="age"):
        repo.save_answer(visit.id, "age", 142)
    with pytest.raises(InvalidObservation, match="not_a_presentation"):
        repo.create_visit(patient.id, "initial", ["not_a_presentation"])
    assert repo.get_visit(visit.id).observations.answers == {}


def test_signed_visit_refuses_every_write(repo: Repository, patient: Patient) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    repo.save_answer(visit.id, "age", 70)
    differential = assess(repo.kb, repo.get_visit(visit.id).observations)
    signed = repo.sign_visit(visit.id, differential)
    assert signed.is_signed and len(signed.fingerprint) == 64
    assert signed.signed_differential == differential
    writes = [
        lambda: repo.save_answer(visit.id, "age", 71),
        lambda: repo.save_answer(visit.id, "age", None),
        lambda: repo.save_exam(visit.id, "test_a", "left", "positive"),
        lambda: repo.set_mark(visit.id, Mark("buttock", "pain", "both"), True),
        lambda: repo.save_plan(visit.id, "changed"),
        lambda: repo.set_presentations(visit.id, ["dent"]),
        lambda: repo.sign_visit(visit.id, differential),
    ]
    for write in writes:
        with pytest.raises(VisitLocked):
            write()
    assert repo.get_visit(visit.id) == signed
    amendment = repo.amend_visit(visit.id, "Age 71, not 70.", "Transcription error")
    assert repo.amendments(visit.id) == [amendment]
    actions = [e.action for e in repo.audit_trail("visit", str(visit.id))]
    assert actions[-2:] == ["sign", "amend"]
    assert repo.verify() == []
