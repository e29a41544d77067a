"""Signed visits' fingerprints recomputed for `verify` with SQLite building the JSON.

audit.visit_fingerprint is the definition: SHA-256 of the canonical JSON of a visit's row and its
recorded items. Done row by row in Python it was 70 % of a full verify on 300k visits (25M item
rows). Here SQLite renders each visit's items of a table as one JSON array
(json_group_array(json_array(...)) in primary-key order, which is the sorted order the definition
asks for), and Python only joins the parts and hashes them.

Why this never lets a change through: the text hashed is a faithful JSON encoding of what is
stored (SQLite's JSON of TEXT, INTEGER and NULL values decodes back to exactly those values), so
when its hash equals the stored fingerprint, the stored items are the ones that were signed. Any
other value type (REAL, BLOB), the measure results (their REAL scores, rendered by Python only),
and every visit whose fast fingerprint does not match are recomputed by the definition itself;
a visit is reported changed only on the definition's word.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from desktop_app.storage import audit
from desktop_app.storage.encryption import DB_ERRORS

IN_PYTHON = frozenset({"measure_results"})  # a REAL column: rendered by Python's json only
SCALARS = "('text', 'integer', 'null')"  # the types SQLite's JSON encodes exactly


def _dumps(value: Any) -> str:
    return audit.canonical_json(value)


def _child_texts(
    db: Database, table: str, columns: str, first: int, last: int
) -> tuple[dict[int, str], set[int]]:
    """visit -> the JSON array of its rows in `table`, and the visits with a non-scalar value."""
    names = [c.strip() for c in columns.split(",")]
    odd = " OR ".join(f"typeof({c}) NOT IN {SCALARS}" for c in names)
    texts: dict[int, str] = {}
    unusual: set[int] = set()
    for visit_id, text, flagged in db.execute(
        f"SELECT visit_id, json_group_array(json_array({columns})), max({odd}) FROM {table} "
        "WHERE visit_id BETWEEN ? AND ? GROUP BY visit_id",
        [first, last],
    ):
        if flagged:
            unusual.add(visit_id)
        else:
            texts[visit_id] = text
    return texts, unusual


def _python_rows(
    db: Database, table: str, columns: str, first: int, last: int
) -> dict[int, list[list[Any]]]:
    rows: dict[int, list[list[Any]]] = {}
    for row in db.execute(
        f"SELECT visit_id, {columns} FROM {table} WHERE visit_id BETWEEN ? AND ?", [first, last]
    ):
        rows.setdefault(row[0], []).append(list(row[1:]))
    return rows


def signed_fingerprints(
    db: Database, first_id: int, last_id: int, stored: dict[int, str]
) -> dict[int, str]:
    """As audit.signed_fingerprints (the signed visits with IDs in a range), faster; `stored` is
    each visit's fingerprint as stored, which decides when the definition is asked. A clinic
    server (not SQLite) is asked the definition's way."""
    if not isinstance(db, Database):
        return audit.signed_fingerprints(db, first_id, last_id)
    columns = ", ".join(audit.FINGERPRINTED_COLUMNS)
    visits = {
        row[0]: dict(zip(audit.FINGERPRINTED_COLUMNS, row, strict=True))
        for row in db.execute(
            f"SELECT {columns} FROM visits WHERE status = 'signed' AND id BETWEEN ? AND ?",
            [first_id, last_id],
        )
    }
    texts: dict[str, dict[int, str]] = {}
    python_rows: dict[str, dict[int, list[list[Any]]]] = {}
    unusual: set[int] = set()
    for table, table_columns in audit.CHILD_TABLES.items():
        if table in IN_PYTHON:
            python_rows[table] = _python_rows(db, table, table_columns, first_id, last_id)
        else:
            try:
                texts[table], odd = _child_texts(db, table, table_columns, first_id, last_id)
            except DB_ERRORS:  # e.g. a BLOB, which SQLite's JSON refuses: the definition decides
                texts[table], odd = {}, set(visits)
            unusual |= odd
    result: dict[int, str] = {}
    for visit_id, visit in visits.items():
        if visit_id in unusual:
            continue
        parts = {"visit": _dumps(visit)}
        for table in audit.CHILD_TABLES:
            if table in python_rows:
                rows = python_rows[table].get(visit_id)
                text = None if rows is None else _dumps(sorted(rows))
            else:
                text = texts[table].get(visit_id)
            if text is None:
                if table in audit.LATER_CHILD_TABLES:
                    continue
                text = "[]"
            parts[table] = text
        content = "{" + ",".join(f"{_dumps(key)}:{parts[key]}" for key in sorted(parts)) + "}"
        result[visit_id] = audit.sha256(content)
    for visit_id in visits:
        if visit_id in unusual or result.get(visit_id) != stored.get(visit_id):
            result.update(audit.signed_fingerprints(db, visit_id, visit_id))  # the definition
    return result
