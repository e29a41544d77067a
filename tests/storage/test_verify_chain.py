"""The audit chain's walk checks each keyed hash over the entry's JSON as SQLite renders it, and
asks the definition (audit.entry_hash) whenever that does not match: awkward text verifies, a
change is named, and a value the app never writes (a BLOB) is named, not a traceback."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage import audit, chain
from desktop_app.storage.repository import Repository

pytestmark = pytest.mark.sqlite_only
NAME = 'Dr "Quote" \\ back/slash \u2028 Zoë 李 😀'
AWKWARD = NAME + " new\nline\ttab \x7f"  # an actor: not checked for control characters


def _filled(db_path: Path, kb: KnowledgeBase) -> int:
    with Repository.open(db_path, kb, actor=AWKWARD) as repo:
        patient = repo.create_patient(NAME, dt.date(1970, 1, 1), "other", NAME)
        repo.update_patient(dataclasses.replace(patient, name=NAME + " 2"))
        last = audit.head(repo.db)[0]
        assert repo.verify() == []
    return last


def _raw(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_update")
    return conn


def test_sqlite_renders_each_entry_as_the_definition_does(db_path: Path, kb: KnowledgeBase) -> None:
    _filled(db_path, kb)
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = conn.execute(f"SELECT *, {chain.RENDERED} AS rendered FROM audit_log").fetchall()
    conn.close()
    assert any(AWKWARD in r["actor"] for r in rows)
    assert all(audit.entry_text("", dict(r)) == r["rendered"] for r in rows)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ("UPDATE audit_log SET actor = 'Someone else' WHERE id = {n}", "was changed after"),
        ("UPDATE audit_log SET detail = CAST(detail AS BLOB) WHERE id = {n}", "never writes"),
    ],
    ids=["text", "blob"],
)
def test_a_changed_entry_is_named(
    db_path: Path, kb: KnowledgeBase, change: str, named: str
) -> None:
    last = _filled(db_path, kb)
    conn = _raw(db_path)
    conn.execute(change.format(n=last - 1))
    conn.close()
    with Repository.open(db_path, kb, read_only=True) as repo:
        problems = repo.verify()
    assert any(named in p for p in problems), problems
