"""Signed visits' fingerprints recomputed for `verify` with SQLite building the JSON.

audit.visit_fingerprint is the definition: SHA-256 of the canonical JSON of a visit's row and its
recorded items. Done row by row in Python it was 70 % of a full verify on 300k visits (25M item
rows). Here SQLite renders each visit's items of a table as one JSON array
(json_group_array(json_array(...)) in primary-key order, which is the sorted order the definition
asks for), and Python only joins the parts and hashes them.

Why this never lets a change through: the text hashed is a faithful JSON encoding of what is
stored, so when its hash equals the stored fingerprint, the stored items are the ones that were
signed. SQLite's JSON of TEXT, INTEGER and NULL values decodes back to exactly those values. Its
JSON of a REAL has 15 significant digits, faithful only when that text reads back as the same
double: a REAL that does not (a score such as 100/3) is rendered by Python for its visit's rows of
that table. A column of TEXT affinity (declared so in the file) stores no number at all, so only
the other columns are looked at. A BLOB makes SQLite's JSON refuse the query, and every visit
whose fast fingerprint does not match is recomputed by the definition itself; a visit is
reported changed only on the definition's word.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from desktop_app.storage import audit
from desktop_app.storage.encryption import DB_ERRORS

# A REAL value whose 15-digit JSON does not read back as itself (SQLite's JSON is not faithful).
UNFAITHFUL = "(typeof({c}) = 'real' AND CAST(json_quote({c}) AS REAL) IS NOT {c})"
TEXT_TYPES = ("CHAR", "CLOB", "TEXT")  # SQLite's rule for TEXT affinity (without "INT")


def _dumps(value: Any) -> str:
    return audit.canonical_json(value)


def _numeric(db: Database, table: str, names: list[str]) -> list[str]:
    """The columns of `table` among names that may hold a number (not TEXT affinity)."""
    declared = {str(r[1]): str(r[2]).upper() for r in db.execute(f"PRAGMA table_info({table})")}
    return [
        c
        for c in names
        if "INT" in declared.get(c, "") or not any(t in declared.get(c, "") for t in TEXT_TYPES)
    ]


def _child_texts(
    db: Database, table: str, columns: str, first: int, last: int
) -> tuple[dict[int, str], set[int]]:
    """visit -> the JSON array of its rows in `table`, and the visits with an unfaithful REAL."""
    names = [c.strip() for c in columns.split(",")]
    odd = " OR ".join(UNFAITHFUL.format(c=c) for c in _numeric(db, table, names)) or "0"
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


def _python_texts(db: Database, table: str, columns: str, visits: set[int]) -> dict[int, str]:
    """visit -> its rows in `table` as the definition renders them (Python's json)."""
    rows: dict[int, list[list[Any]]] = {}
    for visit_id in sorted(visits):
        found = db.execute(f"SELECT {columns} FROM {table} WHERE visit_id = ?", [visit_id])
        rows[visit_id] = [list(r) for r in found]
    return {v: _dumps(sorted(r)) for v, r in rows.items() if r}


# The content's keys in the definition's (sorted) order, each rendered once as JSON + ":".
PARTS = tuple((name, f"{_dumps(name)}:") for name in sorted([*audit.CHILD_TABLES, "visit"]))


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
    unusual: set[int] = set()
    for table, table_columns in audit.CHILD_TABLES.items():
        try:
            texts[table], odd = _child_texts(db, table, table_columns, first_id, last_id)
        except DB_ERRORS:  # e.g. a BLOB, which SQLite's JSON refuses: the definition decides
            texts[table], odd = {}, set(visits)
            unusual |= odd
            continue
        texts[table].update(_python_texts(db, table, table_columns, odd & set(visits)))
    result: dict[int, str] = {}
    for visit_id, visit in visits.items():
        if visit_id in unusual:
            continue
        parts = []
        for table, key in PARTS:
            text = _dumps(visit) if table == "visit" else texts[table].get(visit_id)
            if text is None:
                if table in audit.LATER_CHILD_TABLES:
                    continue
                text = "[]"
            parts.append(f"{key}{text}")
        result[visit_id] = audit.sha256("{" + ",".join(parts) + "}")
    for visit_id in visits:
        if visit_id in unusual or result.get(visit_id) != stored.get(visit_id):
            result.update(audit.signed_fingerprints(db, visit_id, visit_id))  # the definition
    return result
