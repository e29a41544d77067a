"""What only a clinic server has: roles, plpgsql guards, recorded migrations, two workstations
on one draft, and the server's part of verify."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from desktop_app import paths
from desktop_app.core.errors import StorageError, VisitConflict, VisitLocked
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.postgres import schema
from desktop_app.storage.postgres.dialect import translate
from desktop_app.storage.repository import Repository
from tests import pg_server
from tests.storage.conftest import ADMIN, CLINICIAN, new_database
from tests.storage.helpers import filled_visit, signer


def test_every_sqlite_migration_has_its_server_twin() -> None:
    sqlite = sorted(p.stem for p in paths.MIGRATIONS.glob("*.sql"))
    assert sorted(p.stem for p in schema.MIGRATIONS.glob("*.sql")) == sqlite


def test_sqlite_statements_are_translated_once_and_literals_kept() -> None:
    assert translate("SELECT a FROM t WHERE b = ? AND c = :c") == (
        "SELECT a FROM t WHERE b = %s AND c = %(c)s"
    )
    assert translate("SELECT '?:x%' || x::text FROM t LIKE ? ESCAPE '\\'") == (
        "SELECT '?:x%%' || x::text FROM t LIKE %s ESCAPE '\\'"
    )
    assert translate("INSERT OR IGNORE INTO d (a) VALUES (?)") == (
        "INSERT INTO d (a) VALUES (%s) ON CONFLICT DO NOTHING"
    )


def test_a_fresh_database_is_migrated_by_its_owner_and_recorded(
    pg_cluster: pg_server.Cluster, kb: KnowledgeBase
) -> None:
    name = new_database(pg_cluster, migrated=False)
    with pytest.raises(StorageError, match=r"needs upgrading.*administrator"):
        Repository.open_server(pg_cluster.url(name, CLINICIAN), kb)
    Repository.open_server(pg_cluster.url(name, ADMIN), kb).close()
    with psycopg.connect(pg_cluster.url(name, ADMIN)) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == sorted(p.stem for p in schema.MIGRATIONS.glob("*.sql"))
    with Repository.open_server(pg_cluster.url(name, CLINICIAN), kb) as repo:
        assert repo.actor == CLINICIAN  # the server's name for the clinician is the audit actor
        repo.create_patient("Zoë", dt.date(1990, 1, 1), "female")
        assert repo.audit_trail()[-1].actor == CLINICIAN


def test_the_server_refuses_to_change_signed_visits_and_the_log_even_for_its_owner(
    pg_cluster: pg_server.Cluster, pg_url: str, kb: KnowledgeBase
) -> None:
    with Repository.open_server(pg_url, kb) as repo:
        visit = filled_visit(repo, repo.create_patient("A", dt.date(1990, 1, 1), "male").id)
    database = pg_url.rsplit("/", 1)[1]
    for role in (CLINICIAN, ADMIN):
        with psycopg.connect(pg_cluster.url(database, role), autocommit=True) as conn:
            for sql in (
                "UPDATE visits SET plan = 'x' WHERE id = %s",
                "DELETE FROM answers WHERE visit_id = %s",
                "INSERT INTO answers VALUES (%s, 'sitting', '\"no\"')",
            ):
                with pytest.raises(psycopg.Error, match="visit_locked"):
                    conn.execute(sql, [visit.id])
            for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
                with pytest.raises(psycopg.Error, match=r"append_only|permission denied"):
                    conn.execute(sql)
            with pytest.raises(psycopg.Error, match=r"append_only|permission denied"):
                conn.execute("TRUNCATE audit_log CASCADE")


def test_verify_names_a_guard_trigger_switched_off(
    pg_cluster: pg_server.Cluster, pg_url: str, kb: KnowledgeBase
) -> None:
    database = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_cluster.url(database, ADMIN), autocommit=True) as conn:
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
    with Repository.open_server(pg_url, kb) as repo:
        assert repo.verify() == [
            "Server: the guard trigger audit_log_no_update on audit_log is disabled."
        ]


def test_two_workstations_on_one_draft_get_a_conflict_not_a_lost_update(
    pg_url: str, kb: KnowledgeBase
) -> None:
    with Repository.open_server(pg_url, kb) as first, Repository.open_server(pg_url, kb) as second:
        patient = first.create_patient("Γιώργος", dt.date(1975, 3, 1), "male")
        visit = first.create_visit(patient.id, "initial", ["pain"])
        second.get_visit(visit.id)  # both show the same draft
        first.save_answer(visit.id, "age", 51)
        with pytest.raises(VisitConflict, match=f"changed on another workstation by {CLINICIAN}"):
            second.save_answer(visit.id, "age", 15)
        with pytest.raises(VisitConflict):
            second.save_plan(visit.id, "Their plan")
        assert first.get_visit(visit.id).observations.answers == {"age": 51}
        assert second.get_visit(visit.id).plan == ""  # reopened: now it may save
        second.save_plan(visit.id, "Reviewed plan")
        with pytest.raises(VisitConflict):
            first.sign_visit(visit.id, by=signer(first))  # never signs what it has not seen
        first.get_visit(visit.id)
        first.sign_visit(visit.id, by=signer(first))
        second.get_visit(visit.id)
        with pytest.raises(VisitLocked):  # a signed visit is final on every workstation
            second.save_answer(visit.id, "age", 52)
        assert first.verify() == []


def test_a_read_only_connection_writes_nothing(pg_url: str, kb: KnowledgeBase) -> None:
    with Repository.open_server(pg_url, kb, read_only=True) as repo:
        assert repo.read_only
        with pytest.raises(StorageError, match="read-only"):
            repo.create_patient("A", dt.date(1990, 1, 1), "male")


def test_an_unreachable_server_is_one_clear_message(kb: KnowledgeBase) -> None:
    with pytest.raises(StorageError, match="cannot be reached"):
        Repository.open_server("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", kb)
