"""Creating, reading and saving patients and visits through the repository."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from desktop_app.core.diagnosis import assess
from desktop_app.core.errors import InvalidObservation, VisitLocked
from desktop_app.core.observations import Mark
from desktop_app.core.records import Patient, Settings
from desktop_app.storage.errors import RecordNotFound
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit, signer


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
    signed = repo.sign_visit(visit.id, by=signer(repo))
    assert signed.is_signed and len(signed.fingerprint) == 64
    assert signed.signed_differential == differential
    writes = [
        lambda: repo.save_answer(visit.id, "age", 71),
        lambda: repo.save_answer(visit.id, "age", None),
        lambda: repo.save_exam(visit.id, "test_a", "left", "positive"),
        lambda: repo.set_mark(visit.id, Mark("buttock", "pain", "both"), True),
        lambda: repo.save_plan(visit.id, "changed"),
        lambda: repo.set_presentations(visit.id, ["dent"]),
        lambda: repo.sign_visit(visit.id, by=signer(repo)),
    ]
    for write in writes:
        with pytest.raises(VisitLocked):
            write()
    assert repo.get_visit(visit.id) == signed
    amendment = repo.amend_visit(
        visit.id, "Age 71, not 70.", "Transcription error", by=signer(repo)
    )
    assert repo.amendments(visit.id) == [amendment]
    actions = [e.action for e in repo.audit_trail("visit", str(visit.id))]
    assert actions[-2:] == ["sign", "amend"]
    assert repo.verify() == []


def test_settings_round_trip(repo: Repository) -> None:
    assert repo.settings() == Settings()
    chosen = Settings("Glute Clinic", "1 High St", "/logo.png", "Letter", 5)
    repo.save_settings(chosen)
    assert repo.settings() == chosen
    with pytest.raises(InvalidObservation, match="Page size"):
        repo.save_settings(replace(chosen, page_size="A3"))


def test_episodes_and_visit_history(repo: Repository, patient: Patient) -> None:
    first = repo.create_visit(patient.id, "initial", ["pain"], dt.date(2026, 1, 5))
    second = repo.create_visit(patient.id, "follow_up", ["pain"], dt.date(2026, 1, 19))
    assert second.episode_id == first.episode_id
    other = repo.create_episode(patient.id, "Left hip, new complaint")
    third = repo.create_visit(patient.id, "follow_up", ["dent"], dt.date(2026, 2, 2))
    assert third.episode_id == other.id
    assert [e.id for e in repo.episodes(patient.id)] == [first.episode_id, other.id]
    repo.set_leading_condition(second.id, "Beta")
    history = repo.list_visits(patient.id)
    assert [v.id for v in history] == [third.id, second.id, first.id]
    assert history[1].leading_condition == "Beta" and history[1].status == "draft"
    with pytest.raises(RecordNotFound):
        repo.create_visit(patient.id + 100, "initial", ["pain"])
    with pytest.raises(RecordNotFound):
        repo.save_answer(third.id + 100, "sitting", "yes")


def test_measures_and_their_history(repo: Repository, patient: Patient) -> None:
    scores = []
    for day, now in ((dt.date(2026, 1, 5), 8), (dt.date(2026, 2, 5), 5)):
        visit = repo.create_visit(patient.id, "follow_up", ["pain"], day)
        result = repo.save_measure(visit.id, "pain_scale", {"now": now})
        assert result.score == now
        scores.append((day, visit.id, float(now)))
    partial = repo.create_visit(patient.id, "follow_up", ["pain"], dt.date(2026, 3, 5))
    assert repo.save_measure(partial.id, "function", {"a": 2}).score is None  # not complete
    assert repo.measure_history(patient.id, "pain_scale") == scores
    assert repo.measure_history(patient.id, "function") == []
    assert repo.get_visit(partial.id).measures["function"].responses == {"a": 2.0}
    with pytest.raises(InvalidObservation, match="item 'now' must be from 0 to 10"):
        repo.save_measure(partial.id, "pain_scale", {"now": 11})


def test_red_flag_needs_a_reason_unless_referred(repo: Repository, patient: Patient) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    with pytest.raises(InvalidObservation, match="reason"):
        repo.acknowledge_red_flag(visit.id, "hot", False, "  ", by=signer(repo))
    ack = repo.acknowledge_red_flag(visit.id, "hot", True, "", by=signer(repo))
    assert ack.acknowledged_by == "Dr Test" and ack.referred
    assert repo.get_visit(visit.id).red_flag_acks == {"hot": ack}
    with pytest.raises(InvalidObservation, match="no_such_flag"):
        repo.acknowledge_red_flag(visit.id, "no_such_flag", True, "", by=signer(repo))


def test_the_audit_log_records_actions_but_no_note_text(repo: Repository, patient: Patient) -> None:
    visit = filled_visit(repo, patient.id)
    repo.amend_visit(visit.id, "Secret clinical detail", "Private reason", by=signer(repo))
    repo.record_export(visit.id, "summary", "Zoë Łukasiewicz 2026-01-12.pdf")
    repo.update_patient(replace(patient, notes="Private note about the patient"))
    trail = repo.audit_trail()
    actions = {e.action for e in trail}
    assert {"create", "update", "acknowledge", "sign", "amend", "export"} <= actions
    text = " ".join(f"{e.entity} {e.entity_id} {e.detail}" for e in trail)
    for private in ("Zoë", "Łukasiewicz", "Referral letter", "Secret", "Private", "GP"):
        assert private not in text
    export = trail[-2]
    assert (export.action, export.entity_id, export.detail) == (
        "export",
        str(visit.id),
        "summary (pdf)",
    )
    assert trail[-1].detail.startswith("notes; demographics sha256 ")
    # Signing, amending and acknowledging name the clinician; other writes the process's actor.
    assert {e.actor for e in trail} == {"Dr Test", "Dr Test (clinician 1)"}


def test_clearing_removes_rather_than_storing_empty_answers(
    repo: Repository, patient: Patient
) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    repo.save_answer(visit.id, "sitting", "yes")
    repo.save_exam(visit.id, "test_b", "none", "negative")
    repo.save_measure(visit.id, "pain_scale", {"now": 3})
    repo.save_answer(visit.id, "sitting", "  ")
    repo.save_exam(visit.id, "test_b", "none", None)
    repo.save_measure(visit.id, "pain_scale", {})
    repo.set_mark(visit.id, Mark("buttock", "pain", "left"), False)  # was never there
    stored = repo.get_visit(visit.id)
    assert stored.observations.answers == {} and stored.observations.exam == {}
    assert stored.measures == {}
    details = [e.detail for e in repo.audit_trail("visit", str(visit.id))]
    assert details[-3:] == ["cleared sitting", "cleared test_b none", "cleared pain_scale"]


def test_each_recording_returns_what_the_visit_now_holds(
    repo: Repository, patient: Patient
) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    after_answer = repo.save_answer(visit.id, "age", 70)
    assert after_answer.answers == {"age": 70}
    assert repo.save_answer(visit.id, "age", "  ") == repo.get_visit(visit.id).observations
    assert "age" not in repo.observations(visit.id).answers  # a blank answer is no answer
    after_exam = repo.save_exam(visit.id, "test_a", "left", "positive")
    assert after_exam.exam == {"test_a": {"left": "positive"}}
    mark = Mark("buttock", "pain", "left")
    assert repo.set_mark(visit.id, mark, True).marks == (mark,)
    assert repo.set_presentations(visit.id, ["dent"]).presentations == ("dent",)
    assert repo.observations(visit.id) == repo.get_visit(visit.id).observations
