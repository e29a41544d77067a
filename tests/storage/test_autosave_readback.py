"""An autosave returns what the database then holds, and the audit anchor names the entry it
wrote: anchored when the commit waited for the disk, pending inside `unsynced_commits`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from desktop_app.core.observations import Mark, Observations, RegionDetail
from desktop_app.core.records import Patient
from desktop_app.storage import anchor, audit
from desktop_app.storage.autosave import sync_wal, unsynced_commits
from desktop_app.storage.repository import Repository


def test_every_save_returns_what_the_visit_then_records(repo: Repository, patient: Patient) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"], dt.date(2026, 1, 12))
    edits: list[Callable[[], Observations]] = [
        lambda: repo.save_answer(visit.id, "fever", "yes"),
        lambda: repo.save_answer(visit.id, "age", 72),
        lambda: repo.save_exam(visit.id, "test_a", "left", "positive"),
        lambda: repo.save_exam(visit.id, "strength", "right", 3.5),
        lambda: repo.set_mark(visit.id, Mark("buttock", "pain", "left"), True),
        lambda: repo.set_region_detail(visit.id, "buttock", "left", 6, ()),
        lambda: repo.set_presentations(visit.id, ["pain", "dent"]),
        lambda: repo.save_answer(visit.id, "fever", None),  # cleared
        lambda: repo.save_exam(visit.id, "test_b", "left", None),  # nothing to clear
    ]
    for edit in edits:
        assert edit() == repo.get_visit(visit.id).observations
    assert repo.observations(visit.id) == Observations(
        ("pain", "dent"),
        {"age": 72},
        {"test_a": {"left": "positive"}, "strength": {"right": 3.5}},
        (Mark("buttock", "pain", "left"),),
        {("buttock", "left"): RegionDetail(6, ())},
    )
    assert repo.verify() == []


def _anchored(db_path: Path) -> anchor.Anchor:
    found = anchor.read(db_path)
    assert found is not None
    return found


def test_the_anchor_names_each_saved_entry_pending_until_the_disk_confirms_it(
    db_path: Path, repo: Repository, patient: Patient
) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    repo.save_answer(visit.id, "fever", "yes")
    written = anchor.Head(*audit.head(repo.db))
    assert _anchored(db_path).head == written and _anchored(db_path).pending is None
    with unsynced_commits(repo) as wal:
        repo.save_answer(visit.id, "fever", "no")
        repo.save_answer(visit.id, "age", 40)
    assert wal is not None
    unconfirmed = anchor.Head(*audit.head(repo.db))
    assert unconfirmed.seq == written.seq + 2
    assert _anchored(db_path).head == written and _anchored(db_path).pending == unconfirmed
    sync_wal(wal)
    assert _anchored(db_path).head == unconfirmed and _anchored(db_path).pending is None
    repo.save_answer(visit.id, "age", 41)  # after the block, commits wait for the disk again
    assert _anchored(db_path).head == anchor.Head(*audit.head(repo.db))
    assert repo.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
