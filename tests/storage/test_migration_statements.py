"""Migration scripts are split into statements exactly as sqlite-utils splits them inside a
transaction (storage/database.statements does it in linear time)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils.db import _iter_complete_sql_statements

from desktop_app.storage.database import migration_scripts, migrations, statements

TRICKY = """
-- a comment; with a semicolon
CREATE TABLE t (a TEXT DEFAULT 'x;y', b TEXT);
CREATE TRIGGER t_guard BEFORE UPDATE ON t BEGIN
    SELECT RAISE(ABORT, 'no; never');
    UPDATE t SET b = 'z;' WHERE a = 'q';
END;
/* block; comment */ INSERT INTO t (a) VALUES ('1;2'); -- trailing; comment
"""


@pytest.mark.parametrize("script", migration_scripts(), ids=lambda p: p.name)
def test_every_migration_splits_as_sqlite_utils_splits_it(script) -> None:
    sql = script.read_text(encoding="utf-8")
    assert list(statements(sql)) == list(_iter_complete_sql_statements(sql))


def test_semicolons_in_strings_comments_and_triggers() -> None:
    assert list(statements(TRICKY)) == list(_iter_complete_sql_statements(TRICKY))
    assert len(list(statements(TRICKY))) == 4  # table, trigger, insert, trailing comment


def test_a_new_database_gets_the_same_schema_as_with_sqlite_utils_own_split(tmp_path) -> None:
    from sqlite_utils import Database

    def schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
        query = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name != '_sqlite_migrations'"
        return sorted(conn.execute(query).fetchall(), key=str)

    ours = Database(sqlite3.connect(tmp_path / "ours.sqlite3"), execute_plugins=False)
    migrations().apply(ours)
    theirs = Database(sqlite3.connect(tmp_path / "theirs.sqlite3"), execute_plugins=False)
    for script in migration_scripts():
        with theirs.atomic():
            theirs.executescript(script.read_text(encoding="utf-8"))
    assert schema(ours.conn) == schema(theirs.conn)
