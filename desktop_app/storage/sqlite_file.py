"""The open SQLite file as the storage layer uses it: ``execute``, ``query``, ``atomic``,
``table_names`` and ``conn``, the part of sqlite-utils' ``Database`` that the repository calls
(the clinic server's PgDatabase offers the same part).

Issue 17: importing sqlite-utils costs 70-85 ms at every start (it imports click, dateutil and
pluggy), and the window's first screen needs none of it. The transaction rules are sqlite-utils
4.2's (Apache-2.0, Simon Willison; its code followed closely), kept identical: the tests in
tests/storage/test_sqlite_file.py run against both. A write outside a transaction is committed at
once, a failed one rolled back; ``atomic()`` is one transaction, a savepoint when nested.
Migrations and restores still use sqlite-utils itself (imported then).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from desktop_app.storage.encryption import DB_ERRORS

Params = Sequence[Any] | Mapping[str, Any] | None
# Statements that end or start a transaction themselves (never committed by execute).
TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})
QUERY_REFUSED = TRANSACTION_CONTROL | {"VACUUM", "ATTACH", "DETACH"}  # never return rows
NOT_ROWS = (
    "query() can only be used with SQL that returns rows - use execute() for other statements"
)


def first_keyword(sql: str) -> str:
    """The statement's first keyword, upper case, after spaces, comments, ``;`` and a BOM."""
    i, n = 0, len(sql)
    while i < n:
        if sql[i].isspace() or sql[i] in (";", "\ufeff"):
            i += 1
        elif sql.startswith("--", i):
            newline = sql.find("\n", i)
            if newline == -1:
                return ""
            i = newline + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            if end == -1:
                return ""
            i = end + 2
        else:
            break
    j = i
    while j < n and (sql[j].isalpha() or sql[j] == "_"):
        j += 1
    return sql[i:j].upper()


def _rows(cursor: Any, fetched: list[Any] | None = None) -> Iterator[dict[str, Any]]:
    """Rows as dictionaries; a repeated column name gets _2, _3… (sqlite-utils' dedupe_keys)."""
    names: list[str] = [d[0] for d in cursor.description]
    keys = names
    if len(set(names)) != len(names):
        keys, seen = [], set()
        for name in names:
            key, suffix = name, 2
            while key in seen or (key != name and key in names):
                key, suffix = f"{name}_{suffix}", suffix + 1
            seen.add(key)
            keys.append(key)
    return (dict(zip(keys, row, strict=True)) for row in (cursor if fetched is None else fetched))


class SqliteFile:
    """One sqlite3 (or sqlcipher3) connection with sqlite-utils' transaction rules."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.execute("PRAGMA recursive_triggers=on;")  # as sqlite-utils' Database does

    def execute(self, sql: str, parameters: Params = None) -> Any:
        """Run one statement; a write that opened a transaction is committed at once."""
        was_in_transaction = self.conn.in_transaction
        try:
            if parameters is not None:
                cursor = self.conn.execute(sql, parameters)
            else:
                cursor = self.conn.execute(sql)
        except Exception:
            if not was_in_transaction and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")  # never leave a failed write's transaction open
            raise
        if (
            not was_in_transaction
            and self.conn.in_transaction
            and cursor.description is None
            and first_keyword(sql) not in TRANSACTION_CONTROL
        ):
            self.conn.execute("COMMIT")
        return cursor

    def query(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        """Rows as dictionaries; a statement that returns none is refused and undone."""
        keyword = first_keyword(sql)
        if keyword in QUERY_REFUSED:
            raise ValueError(NOT_ROWS)
        args = (params,) if params is not None else ()
        if keyword == "PRAGMA":  # some refuse to run in a transaction; none opens one
            return _rows(self.conn.execute(sql, *args))
        self.conn.execute('SAVEPOINT "sqlite_utils_query"')  # to undo a write passed here
        released = False
        try:
            cursor = self.conn.execute(sql, *args)
            if cursor.description is None:
                raise ValueError(NOT_ROWS)
            try:
                self.conn.execute('RELEASE "sqlite_utils_query"')
                released = True
            except DB_ERRORS:  # INSERT ... RETURNING still running: fetch, then release
                fetched = cursor.fetchall()
                self.conn.execute('RELEASE "sqlite_utils_query"')
                released = True
                return _rows(cursor, fetched)
            return _rows(cursor)
        finally:
            if not released and self.conn.in_transaction:
                self.conn.execute('ROLLBACK TO "sqlite_utils_query"')
                self.conn.execute('RELEASE "sqlite_utils_query"')

    @contextmanager
    def atomic(self) -> Iterator[SqliteFile]:
        """One transaction; a savepoint inside one (nestable)."""
        if self.conn.in_transaction:
            savepoint = f"sqlite_utils_{secrets.token_hex(16)}"
            self.conn.execute(f"SAVEPOINT {savepoint};")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:  # a RAISE(ROLLBACK) trigger ends it all
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint};")
                    self.conn.execute(f"RELEASE SAVEPOINT {savepoint};")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {savepoint};")
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        except BaseException:
            self._rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def table_names(self) -> list[str]:
        return [r[0] for r in self.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]

    def close(self) -> None:
        self.conn.close()
