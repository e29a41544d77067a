"""One workstation's connection to the clinic server, shaped like the part of sqlite-utils'
``Database`` that the storage layer uses: ``execute``, ``query``, ``atomic`` and ``conn``.

Every write transaction takes the app's advisory transaction lock first. Writes are short (one
autosave is one transaction), so serialising them costs a clinic nothing, and it gives the server
what the SQLite file has: one writer at a time, so the audit chain's "read the last hash, then
append" stays one unbroken chain and new IDs (max + 1) never collide between workstations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg.rows import dict_row

from desktop_app.storage.postgres.dialect import (
    connect_error,
    inserted_table,
    translate,
    translated,
)

# pg_advisory_xact_lock keys: every write transaction, and the migrations.
WRITE_LOCK = 0x676C7574  # "glut"
MIGRATION_LOCK = 0x6D696772  # "migr"
CONNECT_TIMEOUT_S = 5
# A write waits this long for another workstation's transaction before "busy, try again".
LOCK_TIMEOUT = "5s"
_READ = re.compile(r"^\s*(SELECT|WITH|VALUES|SHOW|EXPLAIN)\b", re.IGNORECASE)

Params = Sequence[Any] | Mapping[str, Any] | None


def label(url: str) -> str:
    """host:port/database of a connection URL (never its password), for messages."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    return f"{host}:{parts.port or 5432}{parts.path or '/'}"


class Cursor:
    """The result of one statement: rows as tuples, rowcount and the inserted row's ID."""

    def __init__(self, cursor: psycopg.Cursor[Any], returned_id: bool) -> None:
        columns = cursor.description
        self._rows: list[Any] = cursor.fetchall() if columns is not None else []
        # DB-API: one 7-tuple per column, its name first (as sqlite3 gives it).
        self.description = (
            None if columns is None else [(c.name, c.type_code, *[None] * 5) for c in columns]
        )
        self.rowcount = cursor.rowcount
        self.lastrowid: int | None = None
        if returned_id:
            self.lastrowid = int(self._rows[0][0]) if self._rows else None
            self._rows = []

    def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgDatabase:
    """A psycopg connection in autocommit mode; `atomic()` groups statements (nestable)."""

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = url
        self.label = label(url)
        self.read_only = read_only
        self._id_tables: set[str] = set()
        self._conn = self._connect()
        self.conn = self  # `db.conn.execute/executemany` as on an sqlite3 connection
        # The file's anchor (storage/anchor.py) follows sqlite3's change counter; a server has
        # no writer lock and no anchor file, so the counter never moves.
        self.total_changes = 0

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(
                self.url,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT_S,
                application_name="gluteal-assess",
            )
        except psycopg.Error as exc:
            raise connect_error(exc, self.label) from None
        conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        if self.read_only:
            conn.execute("SET default_transaction_read_only = on")
        return conn

    @property
    def raw(self) -> psycopg.Connection[Any]:
        """The psycopg connection, reconnected if the server dropped it between transactions."""
        if self._conn.broken and self._conn.info.transaction_status == 0:
            self._conn.close()
            self._conn = self._connect()
        return self._conn

    def refresh_id_tables(self) -> None:
        """The tables whose rows get an ID on insert (`lastrowid`), read from the schema."""
        rows = self.raw.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'id'"
        ).fetchall()
        self._id_tables = {str(r[0]) for r in rows}

    @property
    def in_transaction(self) -> bool:
        return bool(self.raw.info.transaction_status != 0)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction (a savepoint when nested), holding the write lock from its start."""
        conn = self.raw
        outermost = not self.in_transaction
        try:
            with conn.transaction():
                if outermost and not self.read_only:
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
                yield
        except psycopg.Error as exc:
            raise translated(exc, self.label) from None

    def execute(self, sql: str, params: Params = None) -> Cursor:
        """Run one statement written for SQLite; a write outside a transaction gets its own."""
        if not self.in_transaction and not _READ.match(sql) and not self.read_only:
            with self.atomic():
                return self.execute(sql, params)
        table = inserted_table(sql)
        returned_id = table is not None and table in self._id_tables
        text = translate(sql) + (" RETURNING id" if returned_id else "")
        try:
            cursor = self.raw.execute(text, _params(params))
            return Cursor(cursor, returned_id)
        except psycopg.Error as exc:
            raise translated(exc, self.label) from None

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        if not self.in_transaction:
            with self.atomic():
                self.executemany(sql, rows)
                return
        try:
            with self.raw.cursor() as cursor:
                cursor.executemany(translate(sql), [_params(r) for r in rows])
        except psycopg.Error as exc:
            raise translated(exc, self.label) from None

    def query(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        """Rows as dictionaries (sqlite-utils' `Database.query`)."""
        try:
            with self.raw.cursor(row_factory=dict_row) as cursor:
                rows = cursor.execute(translate(sql), _params(params)).fetchall()
        except psycopg.Error as exc:
            raise translated(exc, self.label) from None
        yield from rows

    def table_names(self) -> list[str]:
        rows = self.raw.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        ).fetchall()
        return [str(r[0]) for r in rows]

    def close(self) -> None:
        self._conn.close()


def _params(params: Params) -> Sequence[Any] | Mapping[str, Any]:
    # Always a container: psycopg then reads %% as %, as translate() wrote it.
    if params is None:
        return []
    return params if isinstance(params, Mapping) else list(params)
