"""Signed visits' fingerprints recomputed for `verify` with SQLite building the JSON.

audit.visit_fingerprint is the definition: SHA-256 of the canonical JSON of a visit's row and its
recorded items. Done row by row in Python it was 70 % of a full verify on 300k visits (25M item
rows). Here one query renders, for every signed visit of a range of IDs, the whole canonical text
(json_object of the row, json_group_array(json_array(...)) of each item table in primary-key
order, which is the sorted order the definition asks for, the keys in sorted order), all of a
range in one value, so Python only splits it and hashes each visit's text. Full verify runs the
queries on a connection and thread of their own (`rendered_beside`): SQLite works in C without
the interpreter lock, beside the audit chain's walk in Python, and hands over one value per range.

Why this never lets a change through: the text hashed is a faithful JSON encoding of what is
stored, so when its hash equals the stored fingerprint, the stored items are the ones that were
signed. SQLite's JSON of TEXT, INTEGER and NULL values decodes back to exactly those values. Its
JSON of a REAL has 15 significant digits, faithful only when that text reads back as the same
double: a table (or the row) of a visit holding a REAL that does not (a score such as 100/3) is
left as a marker in the text and rendered by Python. A column of TEXT affinity (declared so in
the file) stores no number at all, so only the other columns are looked at. A BLOB makes SQLite's
JSON refuse the query, and every visit whose fast fingerprint does not match is recomputed by the
definition itself; a visit is reported changed only on the definition's word.
"""

from __future__ import annotations

import hashlib
import queue
import sqlite3
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.storage import audit
from desktop_app.storage.audit import VERIFY_CHUNK
from desktop_app.storage.encryption import CONNECTIONS, DB_ERRORS

if TYPE_CHECKING:  # sqlite-utils (click, dateutil, pluggy) stays off the start path
    from sqlite_utils import Database

# A REAL value whose 15-digit JSON does not read back as itself (SQLite's JSON is not faithful).
UNFAITHFUL = "(typeof({c}) = 'real' AND CAST(json_quote({c}) AS REAL) IS NOT {c})"
TEXT_TYPES = ("CHAR", "CLOB", "TEXT")  # SQLite's rule for TEXT affinity (without "INT")
# Stands for a part Python renders: \x01name\x01. SQLite's JSON escapes every control character,
# so the byte 0x01 appears in its text only here, and a line feed only between visits.
MARK = b"\x01"
# The content's keys in the definition's (sorted) order; the first is in every visit's content.
KEYS = tuple(sorted([*audit.CHILD_TABLES, "visit"]))
assert KEYS[0] not in audit.LATER_CHILD_TABLES


def _dumps(value: Any) -> str:
    return audit.canonical_json(value)


def _numeric(conn: sqlite3.Connection, table: str, names: list[str]) -> list[str]:
    """The columns of `table` among names that may hold a number (not TEXT affinity)."""
    declared = {str(r[1]): str(r[2]).upper() for r in conn.execute(f"PRAGMA table_info({table})")}
    return [
        c
        for c in names
        if "INT" in declared.get(c, "") or not any(t in declared.get(c, "") for t in TEXT_TYPES)
    ]


def row_json(
    conn: sqlite3.Connection,
    table: str,
    columns: Iterable[str],
    alias: str = "",
    unfaithful: str = "NULL",
) -> str:
    """SQL: the JSON object of a row's columns as canonical_json renders it (keys sorted), or
    `unfaithful` when one of them holds a REAL whose JSON is not faithful."""
    names = sorted(columns)
    odd = " OR ".join(UNFAITHFUL.format(c=f"{alias}{c}") for c in _numeric(conn, table, names))
    rendered = "json_object(" + ", ".join(f"'{c}', {alias}{c}" for c in names) + ")"
    return f"CASE WHEN {odd or '0'} THEN {unfaithful} ELSE {rendered} END"


def _part(conn: sqlite3.Connection, name: str) -> str:
    """SQL for one key of a visit's content: `,"key":` (`{"key":` for the first, present in
    every visit) and its JSON, or the marker."""
    key = f"'{'{' if name == KEYS[0] else ','}{_dumps(name)}:'"
    mark = f"char(1) || '{name}' || char(1)"
    if name == "visit":
        return f"{key} || " + row_json(conn, "visits", audit.FINGERPRINTED_COLUMNS, "v.", mark)
    columns = audit.CHILD_TABLES[name]
    names = [c.strip() for c in columns.split(",")]
    odd = " OR ".join(UNFAITHFUL.format(c=c) for c in _numeric(conn, name, names)) or "0"
    sql = f"CASE WHEN max({odd}) THEN {mark} ELSE json_group_array(json_array({columns})) END"
    if name in audit.LATER_CHILD_TABLES:  # in the content only when the visit has rows in it
        sql = f"CASE WHEN count(*) = 0 THEN '' ELSE {key} || {sql} END"
    else:
        sql = f"{key} || {sql}"
    return f"(SELECT {sql} FROM {name} WHERE visit_id = v.id)"


def content_query(conn: sqlite3.Connection) -> str:
    """SQL whose one value (bytes) holds a line `id {content}` for each signed visit with an ID
    between its two parameters, as the definition renders the content but for the markers."""
    content = " || ".join(_part(conn, name) for name in KEYS)
    line = f"v.id || ' ' || {content} || '}}'"
    return (
        f"SELECT CAST(group_concat({line}, char(10)) AS BLOB) FROM visits v "
        "WHERE v.status = 'signed' AND v.id BETWEEN ? AND ?"
    )


def rendered(conn: sqlite3.Connection, query: str, first: int, last: int) -> bytes | None:
    """The lines of content_query for a range; None when SQLite refuses (e.g. a BLOB)."""
    try:
        row = conn.execute(query, [first, last]).fetchone()
    except DB_ERRORS:  # every visit of the range goes to the definition
        return None
    return bytes(row[0]) if row and row[0] is not None else b""


def hashed(db: Database, lines: bytes | None) -> dict[int, str]:
    """visit -> SHA-256 of its line's content, the marked parts rendered by Python from db."""
    result: dict[int, str] = {}
    for line in (lines or b"").split(b"\n"):
        visit_id, _, text = line.partition(b" ")
        if not text:
            continue
        if MARK in text:
            filled = _filled(db, int(visit_id), text)
            if filled is None:
                continue  # the definition decides
            text = filled
        result[int(visit_id)] = hashlib.sha256(text).hexdigest()
    return result


def _filled(db: Database, visit_id: int, text: bytes) -> bytes | None:
    pieces = text.split(MARK)  # odd pieces name a part SQLite could not render faithfully
    for n in range(1, len(pieces), 2):
        name = pieces[n].decode(errors="replace")
        if name == "visit":
            columns = ", ".join(audit.FINGERPRINTED_COLUMNS)
            row = db.execute(f"SELECT {columns} FROM visits WHERE id = ?", [visit_id]).fetchone()
            if row is None:
                return None
            value: Any = dict(zip(audit.FINGERPRINTED_COLUMNS, row, strict=True))
        elif name not in audit.CHILD_TABLES:
            return None
        else:
            found = db.execute(
                f"SELECT {audit.CHILD_TABLES[name]} FROM {name} WHERE visit_id = ?", [visit_id]
            )
            value = sorted(list(r) for r in found)
        pieces[n] = _dumps(value).encode()
    return b"".join(pieces)


def settled(db: Database, fast: dict[int, str], stored: dict[int, str]) -> dict[int, str]:
    """The fast fingerprints, with the definition's for each stored visit they do not match
    ("" for one holding a BLOB, which the app never writes and the definition cannot hash)."""
    result = dict(fast)
    for visit_id, fingerprint in stored.items():
        if result.get(visit_id) != fingerprint:
            result.pop(visit_id, None)
            row, children = audit.visit_content(db, visit_id)
            values = [*row.values(), *(v for rows in children.values() for r in rows for v in r)]
            if any(isinstance(v, bytes) for v in values):
                result[visit_id] = ""
            elif row.get("status") == "signed":
                result[visit_id] = audit.visit_fingerprint(row, children)  # the definition
    return result


def signed_fingerprints(
    db: Database, first_id: int, last_id: int, stored: dict[int, str]
) -> dict[int, str]:
    """As audit.signed_fingerprints (the signed visits with IDs in a range), faster; `stored` is
    each visit's fingerprint as stored, which decides when the definition is asked. A clinic
    server (not SQLite) is asked the definition's way."""
    if not isinstance(db.conn, CONNECTIONS):  # a clinic server
        return audit.signed_fingerprints(db, first_id, last_id)
    lines = rendered(db.conn, content_query(db.conn), first_id, last_id)
    return settled(db, hashed(db, lines), stored)


Range = tuple[int, int, bytes | None]  # first ID, last ID, the lines of content_query
SPAN = "SELECT min(id), max(id) FROM visits WHERE status = 'signed'"


class Beside:
    """Every signed visit's content rendered (content_query, VERIFY_CHUNK IDs a range) on a
    connection and thread of its own, started at once. One value per range crosses to Python:
    a row per visit would wait for the interpreter lock at every row."""

    def __init__(self, db: Database, path: Path) -> None:
        self._db, self._path = db, path
        low, high = db.execute(SPAN).fetchone()
        self._todo = deque(
            (first, min(first + VERIFY_CHUNK - 1, high))
            for first in range(low or 0, (high or -1) + 1, VERIFY_CHUNK)
        )
        self._total = len(self._todo)
        self._found: queue.Queue[Range | BaseException] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="verify-fingerprints", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        from desktop_app.storage.database import connect  # an encrypted file needs its key

        try:
            conn = connect(self._path, read_only=True, create=False)
            try:
                query = content_query(conn)
                while first_last := self._take():
                    self._found.put((*first_last, rendered(conn, query, *first_last)))
            finally:
                conn.close()
        except BaseException as exc:  # handed to the caller's thread
            self._found.put(exc)

    def _take(self) -> tuple[int, int] | None:
        try:
            return self._todo.popleft()  # atomic: the caller takes ranges too
        except IndexError:
            return None

    def ranges(self) -> Iterator[Range]:
        """Each range as it is done, those the thread has not reached rendered here (on db)
        meanwhile; raises what the thread raised. The thread has ended when this does."""
        query = None
        try:
            for _ in range(self._total):
                try:
                    item = self._found.get_nowait()
                except queue.Empty:
                    first_last = self._take()
                    if first_last is None:  # the thread has the last ones
                        item = self._found.get()
                    else:
                        query = query or content_query(self._db.conn)
                        item = (*first_last, rendered(self._db.conn, query, *first_last))
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.stop()

    def stop(self) -> None:
        """Leave the ranges not started and wait for the thread (no thread outlives a verify:
        a fork while it is in SQLite would leave the child's SQLite locked)."""
        self._todo.clear()
        self._thread.join()
