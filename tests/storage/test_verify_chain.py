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
from desktop_app.storage import audit, chain, keys
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


def test_every_keyed_entry_is_checked_the_fast_way(
    db_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk's own HMAC over SQLite's text matches every intact entry: the definition's
    check (the slow way) is asked for none, and still names a change."""
    last = _filled(db_path, kb)
    asked: list[object] = []
    check = chain._Keys.check
    monkeypatch.setattr(chain._Keys, "check", lambda s, row, ledger: asked.append(row["id"]))
    with Repository.open(db_path, kb, read_only=True) as repo:
        assert chain.walk(repo.db).problems == []
        assert asked == []
        conn = _raw(db_path)
        conn.execute(f"UPDATE audit_log SET actor = 'X' WHERE id = {last}")
        conn.close()
        monkeypatch.setattr(chain._Keys, "check", check)
        assert chain.walk(repo.db).problems == [
            f"Audit log: entry {last} was changed after it was written."
        ]


@pytest.mark.parametrize("size", [1, 32, 64, 65, 200])
def test_the_walks_hmac_is_the_definitions(size: int) -> None:
    key = bytes(range(size))  # shorter and longer than SHA-256's 64-byte block
    for text in ("", "a" * 64 + '{"actor":"Zoë 李 😀"}', "x" * 1000):
        assert chain._Mac(key)(text.encode()) == keys.mac(key, text)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ("UPDATE audit_log SET actor = 'Someone else' WHERE id = {n}", "was changed after"),
        ("UPDATE audit_log SET detail = CAST(detail AS BLOB) WHERE id = {n}", "never writes"),
        ("UPDATE audit_log SET prev_hash = CAST(prev_hash AS BLOB) WHERE id = {n}", "follow"),
    ],
    ids=["text", "blob", "blob-link"],
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
