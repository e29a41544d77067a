"""Follow-ups start from the previous visit; findings are offered for re-test, never copied."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.core.errors import InvalidObservation, VisitLocked
from desktop_app.core.follow_up import Retest, since_last_visit
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Mark
from desktop_app.core.records import Patient
from desktop_app.storage.database import migration_names, migrations
from desktop_app.storage.repository import Repository
from tests.storage.helpers import signer

FIRST = dt.date(2026, 10, 5)
SECOND = dt.date(2026, 10, 19)


def _initial(repo: Repository, patient: Patient) -> int:
    visit = repo.start_visit(patient.id, "initial", FIRST, ["pain", "dent"])
    repo.save_exam(visit.id, "test_a", "left", "positive")
    repo.save_exam(visit.id, "test_a", "right", "negative")
    repo.save_exam(visit.id, "test_b", "none", "positive")
    repo.save_exam(visit.id, "strength", "left", 3)
    repo.set_mark(visit.id, Mark("buttock", "pain", "left"), True)
    repo.save_measure_labels(
        visit.id, "psfs", {"activity_1": " Climbing  stairs ", "activity_2": "Sitting"}
    )
    repo.save_measure(visit.id, "psfs", {"activity_1": 3, "activity_2": 4})
    repo.save_measure(visit.id, "pain_scale", {"now": 7})
    repo.save_plan(visit.id, "Load the tendon")
    return visit.id


def test_a_follow_up_carries_complaint_activities_and_marks_but_not_findings(
    repo: Repository, patient: Patient
) -> None:
    first = _initial(repo, patient)
    follow = repo.start_visit(patient.id, "follow_up", SECOND)
    assert follow.visit_type == "follow_up" and follow.visit_date == SECOND
    assert follow.observations.presentations == ("pain", "dent")
    assert follow.observations.marks == (Mark("buttock", "pain", "left"),)
    assert follow.measure_labels == {
        "psfs": {"activity_1": "Climbing stairs", "activity_2": "Sitting"}
    }
    assert follow.observations.exam == {}  # re-tested or confirmed, never copied
    assert follow.measures == {}
    assert follow.episode_id == repo.get_visit(first).episode_id
    entries = [e for e in repo.audit_trail() if e.action == "carry_forward"]
    assert entries and entries[-1].entity_id == str(follow.id)
    assert f"from visit {first}" in entries[-1].detail

    previous = repo.previous_visit(follow.id)
    assert previous is not None and previous.id == first
    assert repo.previous_visit(first) is None
    repo.save_exam(follow.id, "test_a", "left", "negative")
    repo.save_measure(follow.id, "pain_scale", {"now": 4})
    progress = since_last_visit(repo.kb, previous, repo.get_visit(follow.id))
    assert progress.previous_date == FIRST and progress.previous_plan == "Load the tendon"
    assert progress.findings == (
        Retest("test_a", "left", "positive", "negative"),
        Retest("test_b", "none", "positive", None),
        Retest("strength", "left", 3, None),
    )
    pain = next(m for m in progress.measures if m.measure_id == "pain_scale")
    assert (pain.previous, pain.current) == (7, 4)
    assert pain.change is not None and pain.change.improved and pain.change.important
    psfs = next(m for m in progress.measures if m.measure_id == "psfs")
    assert psfs.previous == 3.5 and psfs.current is None and psfs.change is None


def test_an_initial_visit_starts_empty_and_needs_a_complaint(
    repo: Repository, patient: Patient
) -> None:
    _initial(repo, patient)
    fresh = repo.start_visit(patient.id, "initial", SECOND, ["dent"])
    assert fresh.observations.marks == () and fresh.measure_labels == {}
    with pytest.raises(InvalidObservation, match="presenting complaint"):
        repo.start_visit(patient.id, "initial", SECOND)


def test_the_re_assessment_type_is_stored(repo: Repository, patient: Patient) -> None:
    _initial(repo, patient)
    again = repo.start_visit(patient.id, "re_assessment", SECOND)
    assert repo.get_visit(again.id).visit_type == "re_assessment"
    assert again.observations.presentations == ("pain", "dent")


def test_a_visit_in_the_future_is_refused_and_nothing_is_written(
    repo: Repository, patient: Patient
) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(InvalidObservation, match="in the future"):
        repo.start_visit(patient.id, "initial", tomorrow, ["pain"])
    with pytest.raises(InvalidObservation, match="in the future"):
        repo.create_visit(patient.id, "initial", ["pain"], tomorrow)
    with pytest.raises(InvalidObservation, match="before the patient's date of birth"):
        repo.create_visit(patient.id, "initial", ["pain"], dt.date(1970, 1, 1))
    assert repo.list_visits(patient.id) == []
    today = repo.start_visit(patient.id, "initial", None, ["pain"])
    assert today.visit_date == dt.date.today()
    with pytest.raises(InvalidObservation, match="in the future"):
        repo.set_visit_date(today.id, tomorrow)
    assert repo.set_visit_date(today.id, FIRST).visit_date == FIRST


def test_a_draft_is_re_dated_audited_and_a_signed_visit_keeps_its_date(
    repo: Repository, patient: Patient
) -> None:
    visit = repo.start_visit(patient.id, "initial", FIRST, ["pain"])
    earlier = FIRST - dt.timedelta(days=3)
    assert repo.set_visit_date(visit.id, earlier).visit_date == earlier
    [entry] = [e for e in repo.audit_trail("visit", str(visit.id)) if "visit date" in e.detail]
    assert entry.detail == f"visit date {FIRST.isoformat()} → {earlier.isoformat()}"
    assert entry.action == "update" and entry.actor == repo.actor
    before = len(repo.audit_trail())
    assert repo.set_visit_date(visit.id, earlier).visit_date == earlier  # unchanged: no entry
    assert len(repo.audit_trail()) == before
    repo.sign_visit(visit.id, by=signer(repo, "A. Physio"))
    for day in (FIRST, earlier):
        with pytest.raises(VisitLocked):
            repo.set_visit_date(visit.id, day)
    assert repo.get_visit(visit.id).visit_date == earlier
    assert repo.verify() == []


def test_psfs_names_and_scores_are_validated(repo: Repository, patient: Patient) -> None:
    visit = repo.start_visit(patient.id, "initial", FIRST, ["pain"])
    with pytest.raises(InvalidObservation, match="must be from 0 to 10"):
        repo.save_measure(visit.id, "psfs", {"activity_1": 11})
    with pytest.raises(InvalidObservation, match="must be from 0 to 10"):
        repo.save_measure(visit.id, "psfs", {"activity_1": -1})
    with pytest.raises(InvalidObservation, match="not an item"):
        repo.save_measure_labels(visit.id, "psfs", {"activity_4": "Running"})  # tiny KB: 3
    with pytest.raises(InvalidObservation, match="longer than"):
        repo.save_measure_labels(visit.id, "psfs", {"activity_1": "x" * 81})
    with pytest.raises(InvalidObservation, match="no items to name"):
        repo.save_measure_labels(visit.id, "pain_scale", {"activity_1": "Walking"})
    assert repo.get_visit(visit.id).measures == {}
    repo.save_measure_labels(visit.id, "psfs", {"activity_1": "Walking", "activity_2": "  "})
    assert repo.get_visit(visit.id).measure_labels == {"psfs": {"activity_1": "Walking"}}
    assert repo.save_measure(
        visit.id, "psfs", {"activity_1": 6, "activity_2": 6, "activity_3": 7}
    ).score == pytest.approx(19 / 3)


@pytest.mark.sqlite_only  # drops SQLite's guard trigger to tamper with the row
def test_signed_activity_names_are_locked_and_fingerprinted(
    repo: Repository, patient: Patient
) -> None:
    visit = repo.start_visit(patient.id, "initial", FIRST, ["pain"])
    repo.save_measure_labels(visit.id, "psfs", {"activity_1": "Walking"})
    repo.sign_visit(visit.id, by=signer(repo, "A. Physio"))
    with pytest.raises(VisitLocked):
        repo.save_measure_labels(visit.id, "psfs", {"activity_1": "Running"})
    assert repo.verify() == []
    repo.db.execute("DROP TRIGGER measure_labels_signed_update")
    repo.db.execute("UPDATE measure_labels SET label = 'Running' WHERE visit_id = ?", [visit.id])
    assert any(f"visit {visit.id}" in p.lower() for p in repo.verify())


def test_a_database_with_signed_visits_upgrades_to_0003_with_fingerprints_intact(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    path = tmp_path / "old.sqlite3"
    with Repository.open(path, kb) as repo:
        patient = repo.create_patient("Ann Old", dt.date(1970, 1, 1), "female")
        visit = repo.create_visit(patient.id, "initial", ["pain"], FIRST)
        repo.save_answer(visit.id, "sitting", "yes")
        repo.sign_visit(visit.id, by=signer(repo, "A. Physio"))
    # Back to the schema before 0003: rebuild the file from the 0001-0002 schema with the rows.
    old_path = tmp_path / "before.sqlite3"
    old = Database(sqlite3.connect(old_path))
    migrations().apply(old, stop_before=[n for n in migration_names() if n >= "0003"])
    src = sqlite3.connect(path)
    # Children before their visit: the lock triggers refuse rows for an already signed visit.
    for table in ("patients", "episodes", "differentials", "answers", "visits", "audit_log"):
        names = ", ".join(old[table].columns_dict)  # the columns the old schema had
        rows = src.execute(f"SELECT {names} FROM {table}").fetchall()
        marks = ", ".join("?" * len(old[table].columns_dict))
        old.conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    src.close()
    old.conn.commit()
    old.conn.close()
    with Repository.open(old_path, kb) as repo:
        assert repo.verify() == []
        upgraded = repo.get_visit(visit.id)
        assert upgraded.is_signed and upgraded.observations.answers == {"sitting": "yes"}
        with pytest.raises(VisitLocked):
            repo.save_answer(visit.id, "sitting", "no")
        assert repo.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        again = repo.start_visit(patient.id, "re_assessment", SECOND)
        assert again.observations.presentations == ("pain",)
