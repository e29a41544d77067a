"""The export worker's reading copy: its own connection, one snapshot, nothing written."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient
from desktop_app.storage import encryption
from desktop_app.storage.reading_copy import reading_copy
from desktop_app.storage.repository import Repository


def test_a_reading_copy_reads_one_committed_snapshot_and_writes_nothing(
    repo: Repository, patient: Patient
) -> None:
    """A document and its record stamp describe one moment, whatever the window saves meanwhile."""
    visit = repo.create_visit(patient.id, "initial", ["pain"], dt.date(2026, 1, 5))
    repo.save_answer(visit.id, "age", 51)
    trail = len(repo.audit_trail())
    with reading_copy(repo) as copy:
        assert copy is not repo and copy.read_only
        first = copy.get_visit(visit.id)
        stamp = copy.record_stamp(visit.id)
        repo.save_answer(visit.id, "age", 52)  # the window saves while the worker reads
        assert copy.get_visit(visit.id).observations.answers == first.observations.answers
        assert copy.record_stamp(visit.id) == stamp
    assert first.observations.answers["age"] == 51
    assert repo.get_visit(visit.id).observations.answers["age"] == 52
    assert len(repo.audit_trail()) == trail + 1  # the window's save; the copy wrote nothing
    with reading_copy(repo) as copy:  # a new copy reads what is committed now
        assert copy.get_visit(visit.id).observations.answers["age"] == 52
        assert copy.record_stamp(visit.id) != stamp


def test_a_reading_copy_is_made_and_used_on_a_worker_thread(
    repo: Repository, patient: Patient
) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"], dt.date(2026, 1, 5))
    repo.save_answer(visit.id, "age", 51)
    seen: list[object] = []

    def work() -> None:
        try:
            with reading_copy(repo) as copy:
                seen.append(copy.get_visit(visit.id).observations.answers["age"])
        except Exception as exc:  # handed back to the test's thread
            seen.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(30)
    assert seen == [51]
    repo.save_answer(visit.id, "age", 53)  # the window's own connection still works
    assert repo.get_visit(visit.id).observations.answers["age"] == 53


def test_a_reading_copy_opens_an_encrypted_file_with_the_passphrase_given_at_unlock(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    """The window unlocks the file once (encryption.give); the worker's copy needs no prompt."""
    if not encryption.available():
        pytest.skip("sqlcipher3 is not installed")
    path = tmp_path / "visits.sqlite3"
    encryption.give("correct horse battery staple")
    try:
        with Repository.open(path, kb, create=True) as repo:
            patient = repo.create_patient("Ana Ruiz", dt.date(1990, 2, 28), "female")
            visit = repo.create_visit(patient.id, "initial", ["pain"], dt.date(2026, 1, 5))
            assert encryption.is_encrypted(path)
            with reading_copy(repo) as copy:
                assert copy.get_visit(visit.id).patient_id == patient.id
    finally:
        encryption.forget()
