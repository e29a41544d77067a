"""The audit key and the anchor: old unkeyed databases, a missing key, incremental verify."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient
from desktop_app.storage import anchor, audit, keys, private
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit
from tests.storage.test_tamper_matrix import plain, rehash


def _unkeyed(db_path: Path) -> None:
    """Make the file look like a database written before the audit key (and never anchored)."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    rehash(conn, plain)
    conn.close()
    anchor.forget(db_path)


@pytest.mark.sqlite_only  # the anchor file belongs to a database file
def test_the_key_is_private_and_outside_the_database(repo: Repository, patient: Patient) -> None:
    path = keys.key_path()
    assert path.is_file() and private.mode(path) == 0o600
    assert path.parent != repo.path.parent or path.name != repo.path.name
    key = keys.load(create=False)
    assert key is not None and key.hex() not in repo.path.read_bytes().decode("latin-1")
    assert all(e.hash.startswith(audit.KEYED_PREFIX) for e in repo.audit_trail())


@pytest.mark.sqlite_only
def test_the_anchor_follows_every_audited_commit(repo: Repository, patient: Patient) -> None:
    for n in range(3):
        repo.save_settings(repo.settings())
        repo.create_patient(f"P{n}", dt.date(1990, 1, 1), "male")
        stored = anchor.read(repo.path)
        assert stored is not None and (stored.head.seq, stored.head.hash) == audit.head(repo.db)


def test_an_old_unkeyed_database_verifies_and_is_sealed(
    db_path: Path, kb: KnowledgeBase, repo: Repository, patient: Patient
) -> None:
    filled_visit(repo, patient.id)
    repo.close()
    _unkeyed(db_path)
    conn = sqlite3.connect(db_path)
    last = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    conn.close()
    with Repository.open(db_path, kb) as reopened:
        report = reopened.verify_report()
        assert report.problems == []
        assert any(f"entries 1-{last} were written before" in n for n in report.notes)
        seal = reopened.audit_trail()[-1]
        assert seal.action == "seal" and seal.hash.startswith(audit.KEYED_PREFIX)
    conn = sqlite3.connect(db_path, isolation_level=None)  # rewriting the old part now shows
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = 'Someone' WHERE id = 2")
    rehash(conn, plain, end=last)  # a consistent rewrite of the unkeyed part
    conn.close()
    with Repository.open(db_path, kb) as reopened:
        problems = reopened.verify()
    assert f"Audit log: entry {last + 1} does not follow the entry before it" in problems[0]


def test_a_missing_key_is_named_not_hidden(
    db_path: Path, kb: KnowledgeBase, repo: Repository, patient: Patient
) -> None:
    repo.close()
    keys.key_path().rename(keys.key_path().with_suffix(".kept"))
    keys._cache.clear()
    anchor._known.clear()  # a new process: nothing remembered
    with Repository.open(db_path, kb) as reopened:
        assert reopened.read_only  # the anchor cannot be checked without the key
        problems = reopened.verify()
    assert any("which this computer does not have" in p for p in problems), problems


def test_an_anchor_one_commit_behind_is_fine(
    db_path: Path, kb: KnowledgeBase, repo: Repository, patient: Patient
) -> None:
    behind = anchor.read(db_path)
    assert behind is not None
    repo.create_patient("Killed Before The Anchor", dt.date(1990, 1, 1), "male")
    repo.close()
    anchor.write(db_path, behind)  # as if killed between the commit and the anchor
    with Repository.open(db_path, kb) as reopened:
        assert not reopened.read_only
        assert reopened.verify() == []


def test_a_lost_tail_opens_read_only_and_keeps_the_evidence(
    db_path: Path, kb: KnowledgeBase, repo: Repository, patient: Patient
) -> None:
    repo.create_patient("Second", dt.date(1990, 1, 1), "male")
    repo.close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    conn.close()
    for _ in range(2):
        with Repository.open(db_path, kb) as reopened:
            assert reopened.read_only and "committed changes are missing" in (
                reopened.read_only_reason
            )
            assert any("newest entries were removed" in p for p in reopened.verify())


def test_incremental_verify_starts_at_the_last_full_one(
    db_path: Path, kb: KnowledgeBase, repo: Repository, patient: Patient
) -> None:
    filled_visit(repo, patient.id)
    assert repo.verify_report().problems == []
    marked = anchor.read(db_path)
    assert marked is not None and marked.verified == marked.head
    later = filled_visit(repo, patient.id)
    report = repo.verify_report(incremental=True)
    assert report.problems == [] and report.incremental_from == marked.head.seq
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER visits_signed_update")
    conn.execute("UPDATE visits SET plan = 'changed' WHERE id = ?", [later.id])
    conn.execute("INSERT INTO episodes VALUES (77, ?, 'x', '2026-01-01', 'x')", [patient.id])
    conn.close()
    problems = repo.verify_report(incremental=True).problems
    assert any(f"Visit {later.id}: its content" in p for p in problems), problems
    assert any("episodes were added or removed" in p for p in problems), problems


def test_a_new_database_over_an_old_anchor_sets_it_aside(
    db_path: Path, kb: KnowledgeBase, repo: Repository, patient: Patient
) -> None:
    repo.close()
    db_path.unlink()
    with Repository.open(db_path, kb, create=True) as fresh:
        assert not fresh.read_only and fresh.verify() == []
    assert list(anchor.anchor_file(db_path).parent.glob("*.superseded-*.json"))


def test_an_unreadable_anchor_is_a_note_and_is_rewritten(
    db_path: Path, kb: KnowledgeBase, repo: Repository, patient: Patient
) -> None:
    repo.close()
    anchor.anchor_file(db_path).write_bytes(b'{"seq": 3, "ha')  # torn by a power cut
    anchor._known.clear()
    with Repository.open(db_path, kb, read_only=True) as reopened:
        report = reopened.verify_report()
        assert report.problems == []
        assert any("anchor file of this database cannot be read" in n for n in report.notes)
    with Repository.open(db_path, kb) as reopened:
        reopened.create_patient("After", dt.date(1990, 1, 1), "male")
    assert anchor.read(db_path) is not None
