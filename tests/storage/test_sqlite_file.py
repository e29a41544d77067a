"""storage/sqlite_file.py keeps sqlite-utils' transaction rules: every rule below runs against
sqlite-utils' own Database too, so the two cannot drift apart unnoticed (issue 17)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.storage.sqlite_file import SqliteFile, first_keyword

SCHEMA = (
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);"
    "CREATE TABLE log (id INTEGER PRIMARY KEY, what TEXT);"
    "CREATE TRIGGER no_secret BEFORE INSERT ON notes WHEN NEW.text = 'secret' "
    "BEGIN SELECT RAISE(ROLLBACK, 'refused'); END;"
)


@pytest.fixture(params=["sqlite-utils", "sqlite_file"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    path = tmp_path / "t.sqlite3"
    setup = sqlite3.connect(path)
    setup.executescript(SCHEMA)
    setup.close()
    conn = sqlite3.connect(path)
    wrapped = Database(conn, execute_plugins=False) if request.param == "sqlite-utils" else None
    yield wrapped if wrapped is not None else SqliteFile(conn)
    conn.close()


def on_disk(db: Any) -> list[str]:
    """What another connection reads: only what was committed."""
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    other = sqlite3.connect(path)
    try:
        return [r[0] for r in other.execute("SELECT text FROM notes ORDER BY id")]
    finally:
        other.close()


def test_a_write_outside_a_transaction_is_committed_at_once(db: Any) -> None:
    cursor = db.execute("INSERT INTO notes (text) VALUES (?)", ["a"])
    assert cursor.lastrowid == 1
    assert not db.conn.in_transaction
    assert on_disk(db) == ["a"]


def test_a_failed_write_leaves_no_transaction_open(db: Any) -> None:
    db.execute("INSERT INTO notes (text) VALUES ('a')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO notes (text) VALUES ('a')")
    assert not db.conn.in_transaction
    db.execute("INSERT INTO notes (text) VALUES ('b')")
    assert on_disk(db) == ["a", "b"]


def test_atomic_keeps_all_or_nothing(db: Any) -> None:
    with db.atomic():
        db.execute("INSERT INTO notes (text) VALUES ('a')")
        db.execute("INSERT INTO notes (text) VALUES ('b')")
        assert on_disk(db) == []  # not committed before the block ends
    assert on_disk(db) == ["a", "b"]
    with pytest.raises(sqlite3.IntegrityError), db.atomic():
        db.execute("INSERT INTO notes (text) VALUES ('c')")
        db.execute("INSERT INTO notes (text) VALUES ('a')")
    assert not db.conn.in_transaction
    assert on_disk(db) == ["a", "b"]


def test_a_nested_block_that_fails_undoes_only_itself(db: Any) -> None:
    with db.atomic():
        db.execute("INSERT INTO notes (text) VALUES ('outer')")
        with pytest.raises(RuntimeError), db.atomic():
            db.execute("INSERT INTO notes (text) VALUES ('inner')")
            raise RuntimeError("stop")
        db.execute("INSERT INTO log (what) VALUES ('after')")
    assert on_disk(db) == ["outer"]
    assert db.execute("SELECT what FROM log").fetchall() == [("after",)]


def test_a_trigger_that_rolls_back_everything_raises_its_own_error(db: Any) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="refused"), db.atomic():
        db.execute("INSERT INTO notes (text) VALUES ('kept?')")
        with db.atomic():
            db.execute("INSERT INTO notes (text) VALUES ('secret')")
    assert not db.conn.in_transaction
    assert on_disk(db) == []


def test_statements_that_control_the_transaction_are_not_committed(db: Any) -> None:
    db.execute("BEGIN")
    db.execute("INSERT INTO notes (text) VALUES ('a')")
    assert db.conn.in_transaction
    assert on_disk(db) == []
    db.execute("ROLLBACK")
    assert on_disk(db) == []


def test_query_gives_rows_as_dictionaries_and_refuses_writes(db: Any) -> None:
    db.execute("INSERT INTO notes (text) VALUES ('a')")
    assert list(db.query("SELECT * FROM notes WHERE text = ?", ["a"])) == [{"id": 1, "text": "a"}]
    with pytest.raises(ValueError):
        db.query("DELETE FROM notes")
    with pytest.raises(ValueError):
        db.query("COMMIT")
    assert not db.conn.in_transaction
    assert on_disk(db) == ["a"]  # the refused write was undone


def test_recursive_triggers_are_on_and_tables_are_listed(db: Any) -> None:
    assert db.execute("PRAGMA recursive_triggers").fetchone() == (1,)
    assert sorted(db.table_names()) == ["log", "notes"]


def test_the_first_keyword_skips_comments_and_spaces() -> None:
    assert first_keyword("  -- why\n/* note */ ; commit") == "COMMIT"
    assert first_keyword("\ufeffsavepoint x") == "SAVEPOINT"
    assert first_keyword("-- only a comment") == ""


def test_repeated_column_names_are_kept_apart(db: Any) -> None:
    db.execute("INSERT INTO notes (text) VALUES ('a')")
    row = next(db.query("SELECT id, text, id, text AS id_2, id FROM notes"))
    assert row == {"id": 1, "text": "a", "id_3": 1, "id_2": "a", "id_4": 1}


def test_a_write_with_returning_is_committed_through_query(db: Any) -> None:
    rows = list(db.query("INSERT INTO notes (text) VALUES ('a') RETURNING id"))
    assert rows == [{"id": 1}]
    assert not db.conn.in_transaction
    assert on_disk(db) == ["a"]
