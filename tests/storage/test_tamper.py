"""Changes made behind the app's back, directly in SQLite, are named by verify."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient, Visit
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit, signer


@pytest.fixture
def signed(repo: Repository, patient: Patient) -> Visit:
    visit = filled_visit(repo, patient.id)
    repo.amend_visit(
        visit.id, "The right side was also tender.", "Omitted at the visit", by=signer(repo)
    )
    filled_visit(repo, patient.id, sign=False)
    assert repo.verify() == []
    return visit


@pytest.fixture
def sql(db_path: Path, repo: Repository) -> Iterator[sqlite3.Connection]:
    """Another program writing straight into the file (triggers dropped, as a tamperer would)."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    yield conn
    conn.close()


def drop_guards(conn: sqlite3.Connection) -> None:
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE(ABORT%'"
    ).fetchall()
    for (name,) in names:
        conn.execute(f"DROP TRIGGER {name}")


def test_the_database_itself_refuses_to_change_a_signed_visit(
    signed: Visit, sql: sqlite3.Connection
) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="visit_locked"):
        sql.execute("UPDATE visits SET plan = 'x' WHERE id = ?", [signed.id])
    with pytest.raises(sqlite3.IntegrityError, match="visit_locked"):
        sql.execute("DELETE FROM answers WHERE visit_id = ?", [signed.id])
    with pytest.raises(sqlite3.IntegrityError, match="append_only"):
        sql.execute("UPDATE audit_log SET actor = 'someone else'")


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE visits SET plan = 'No referral needed.' WHERE id = :id",
        "UPDATE visits SET visit_date = '2026-01-13' WHERE id = :id",
        "UPDATE answers SET value = '\"no\"' WHERE visit_id = :id AND prompt_id = 'fever'",
        "DELETE FROM red_flag_acks WHERE visit_id = :id",
        "INSERT INTO exam_findings VALUES (:id, 'test_b', 'none', '\"negative\"')",
        "UPDATE measure_results SET score = 2 WHERE visit_id = :id",
    ],
)
def test_a_changed_signed_visit_is_named(
    repo: Repository, signed: Visit, sql: sqlite3.Connection, tamper: str
) -> None:
    drop_guards(sql)
    sql.execute(tamper, {"id": signed.id})
    problems = repo.verify()
    assert any(f"Visit {signed.id}:" in p and "fingerprint" in p for p in problems), problems


def test_unsigning_a_visit_is_named(
    repo: Repository, signed: Visit, sql: sqlite3.Connection
) -> None:
    drop_guards(sql)
    sql.execute("UPDATE visits SET status = 'draft', fingerprint = '' WHERE id = ?", [signed.id])
    problems = repo.verify()
    assert any(f"Visit {signed.id}:" in p and "not signed" in p for p in problems), problems


def test_a_changed_differential_snapshot_is_named(
    repo: Repository, signed: Visit, sql: sqlite3.Connection
) -> None:
    drop_guards(sql)
    sql.execute("UPDATE differentials SET snapshot = replace(snapshot, '0.', '0.9')")
    problems = repo.verify()
    assert any(f"Visit {signed.id}:" in p and "differential" in p for p in problems), problems


def test_a_changed_amendment_is_named(
    repo: Repository, signed: Visit, sql: sqlite3.Connection
) -> None:
    sql.execute("UPDATE amendments SET text = 'Nothing else was found.'")
    problems = repo.verify()
    assert any("Amendment 1" in p and "changed" in p for p in problems), problems


def test_a_changed_audit_entry_is_named(
    repo: Repository, signed: Visit, sql: sqlite3.Connection
) -> None:
    drop_guards(sql)
    entry = repo.audit_trail("visit", str(signed.id))[2]
    sql.execute("UPDATE audit_log SET actor = 'Someone else' WHERE id = ?", [entry.id])
    assert repo.verify() == [f"Audit log: entry {entry.id} was changed after it was written."]


def test_a_removed_audit_entry_is_named(
    repo: Repository, signed: Visit, sql: sqlite3.Connection
) -> None:
    drop_guards(sql)
    sql.execute("DELETE FROM audit_log WHERE id = 3")
    problems = repo.verify()
    assert "Audit log: entry 3 is missing (next is 4)." in problems
    assert any("entry 4 does not follow" in p for p in problems)


def test_verify_command_names_the_problem(
    signed: Visit, sql: sqlite3.Connection, db_path: Path, kb: KnowledgeBase, tmp_path: Path
) -> None:
    from tests.storage.test_commands import run_command

    assert run_command(tmp_path, "--db", str(db_path), "verify").returncode == 0
    drop_guards(sql)
    sql.execute("UPDATE visits SET plan = 'changed' WHERE id = ?", [signed.id])
    result = run_command(tmp_path, "--db", str(db_path), "verify")
    assert result.returncode == 1
    assert f"Visit {signed.id}: its content no longer matches" in result.stdout
