"""The tamper-evident audit chain and the fingerprints of signed visits and demographics.

Each audit entry stores the hash of the entry before it and HMAC-SHA256, under the installation's
audit key (storage/keys.py, kept outside the database), of prev_hash + its own canonical JSON. So
changing, inserting or removing an entry breaks the chain after it, and a consistent rewrite
needs the key. Entries written before the key existed carry a plain SHA-256 (64 hex digits) and
still verify; the first keyed entry after them seals them. The head is also kept outside the
database (storage/anchor.py). Signing stores the SHA-256 of the visit's canonical content, and
the sign entry repeats it; creating or editing a patient logs a digest of the demographics.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from desktop_app.storage import keys

if TYPE_CHECKING:  # sqlite-utils (click, dateutil, pluggy) stays off the start path
    from sqlite_utils import Database

GENESIS = "0" * 64
VERIFY_CHUNK = 2000  # signed visits recomputed per round of queries
FINGERPRINT_PREFIX = "fingerprint "
AMENDMENT_PREFIX = "sha256 "
DEMOGRAPHICS_PREFIX = "demographics sha256 "
KEYED_PREFIX = "hmac1:"  # a keyed hash: hmac1:<key id>:<64 hex digits>
PATIENT_FIELDS = ("id", "name", "date_of_birth", "sex", "clinic_id", "contact", "notes")
ENTRY_KEYS = ("id", "at", "actor", "action", "entity", "entity_id", "detail")

# The visit columns covered by the fingerprint. Never change this list: old signatures rely on it.
FINGERPRINTED_COLUMNS = (
    "id",
    "patient_id",
    "episode_id",
    "visit_date",
    "visit_type",
    "presentations",
    "status",
    "kb_version",
    "plan",
    "leading_condition",
    "signed_at",
    "signed_by",
    "differential",  # the SHA-256 key of the snapshot in the differentials table
)
CHILD_TABLES = {
    "answers": "prompt_id, value",
    "exam_findings": "item_id, side, value",
    "body_marks": "region, symptom, side",
    "measure_results": "measure_id, responses, score",
    "red_flag_acks": "flag_id, referred, reason, acknowledged_by, acknowledged_at",
    "measure_labels": "measure_id, item_key, label",
    "body_region_details": "region, side, intensity, qualities",
}
# Tables added after visits were first signed: in the fingerprint only when the visit has rows in
# them, so that a visit signed before they existed keeps the fingerprint it was signed with.
LATER_CHILD_TABLES = frozenset({"measure_labels", "body_region_details"})


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(data: Any) -> str:
    """One stable text for the same data: sorted keys, no spaces, UTF-8 kept as is (json.dumps
    with these settings; one encoder for all, as verify calls it a million times)."""
    return _CANONICAL.encode(data)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def entry_text(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """What an entry's hash covers: the hash before it and its id, time, actor, action, entity,
    entity_id and detail."""
    return prev_hash + canonical_json({k: entry[k] for k in ENTRY_KEYS})


def entry_hash(prev_hash: str, entry: Mapping[str, Any], key: bytes | None = None) -> str:
    """The keyed hash of one entry; with no key, the plain SHA-256 of entries written before
    keying (kept only to verify them)."""
    text = entry_text(prev_hash, entry)
    if key is None:
        return sha256(text)
    return f"{KEYED_PREFIX}{keys.key_id(key)}:{keys.mac(key, text)}"


def head(db: Database) -> tuple[int, str]:
    """(sequence, hash) of the newest entry; (0, GENESIS) for an empty log."""
    last = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


def append(
    db: Database,
    actor: str,
    action: str,
    entity: str,
    entity_id: object,
    detail: str = "",
    *,
    key: bytes | None = None,
) -> tuple[int, str]:
    """Add one keyed entry to the chain. Call inside the transaction of the change it records.

    `key`: this installation's audit key, when the caller holds it (`keys.load`). Returns the
    entry's (sequence, hash): the head once that transaction commits."""
    key = key or keys.load(create=True)
    last_id, prev_hash = head(db)
    entry = {
        "id": last_id + 1,
        "at": now().isoformat(),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "detail": detail,
    }
    keyed = entry_hash(prev_hash, entry, key)
    db.execute(
        "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, prev_hash, hash) "
        "VALUES (:id, :at, :actor, :action, :entity, :entity_id, :detail, :prev_hash, :hash)",
        {**entry, "prev_hash": prev_hash, "hash": keyed},
    )
    return last_id + 1, keyed


def seal(db: Database, actor: str) -> bool:
    """Key a chain written before keying: one keyed entry whose hash covers the unkeyed head.

    From then on the unkeyed entries cannot be rewritten consistently without the key. True if
    an entry was added.
    """
    last_id, last_hash = head(db)
    if last_id == 0 or last_hash.startswith(KEYED_PREFIX):
        return False
    with db.atomic():
        detail = f"entries 1-{last_id} were written before the audit key; sealed"
        append(db, actor, "seal", "audit_log", last_id, detail)
    return True


def chained(
    prev_hash: str, first_id: int, entries: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Complete entries (id, prev_hash, keyed hash) for a bulk insert that continues the chain."""
    key = keys.load(create=True)
    rows = []
    for n, entry in enumerate(entries):
        entry = {**entry, "id": first_id + n, "entity_id": str(entry["entity_id"])}
        entry["prev_hash"] = prev_hash
        entry["hash"] = prev_hash = entry_hash(prev_hash, entry, key)
        rows.append(entry)
    return rows


def patient_digest(row: Mapping[str, Any]) -> str:
    """SHA-256 of a patient's demographics as stored (logged at create and at each edit)."""
    return sha256(canonical_json({k: row[k] for k in PATIENT_FIELDS}))


def demographics_detail(row: Mapping[str, Any], changed: str = "") -> str:
    """The detail of a patient's create/update entry: the fields changed, then the digest."""
    digest = DEMOGRAPHICS_PREFIX + patient_digest(row)
    return f"{changed}; {digest}" if changed else digest


def visit_fingerprint(
    visit: Mapping[str, Any], children: Mapping[str, Sequence[Sequence[Any]]]
) -> str:
    """SHA-256 of a visit's canonical content: its row as stored plus its recorded items."""
    content = {
        "visit": {c: visit[c] for c in FINGERPRINTED_COLUMNS},
        **{
            table: sorted(list(row) for row in children.get(table, []))
            for table in CHILD_TABLES
            if table not in LATER_CHILD_TABLES or children.get(table)
        },
    }
    return sha256(canonical_json(content))


def visit_content(db: Database, visit_id: int) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """A visit's fingerprinted columns and recorded items as stored; ({}, {}) if it is missing."""
    row = db.execute(
        f"SELECT {', '.join(FINGERPRINTED_COLUMNS)} FROM visits WHERE id = ?", [visit_id]
    ).fetchone()
    if row is None:
        return {}, {}
    children = {
        table: db.execute(
            f"SELECT {columns} FROM {table} WHERE visit_id = ?", [visit_id]
        ).fetchall()
        for table, columns in CHILD_TABLES.items()
    }
    return dict(zip(FINGERPRINTED_COLUMNS, row, strict=True)), children


def amendment_hash(row: Mapping[str, Any]) -> str:
    keys = ("id", "visit_id", "text", "reason", "author", "created_at")
    return sha256(canonical_json({k: row[k] for k in keys}))


def signed_fingerprints(db: Database, first_id: int, last_id: int) -> dict[int, str]:
    """Recomputed fingerprints of the signed visits with IDs in a range (a few queries in all)."""
    columns = ", ".join(FINGERPRINTED_COLUMNS)
    visits = {
        row[0]: dict(zip(FINGERPRINTED_COLUMNS, row, strict=True))
        for row in db.execute(
            f"SELECT {columns} FROM visits WHERE status = 'signed' AND id BETWEEN ? AND ?",
            [first_id, last_id],
        )
    }
    children: dict[int, dict[str, list[Any]]] = {v: {t: [] for t in CHILD_TABLES} for v in visits}
    for table, table_columns in CHILD_TABLES.items():
        for row in db.execute(
            f"SELECT visit_id, {table_columns} FROM {table} WHERE visit_id BETWEEN ? AND ?",
            [first_id, last_id],
        ):
            if row[0] in children:
                children[row[0]][table].append(row[1:])
    return {v: visit_fingerprint(visit, children[v]) for v, visit in visits.items()}


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """SQLite's own integrity check, as readable lines; [] when ok."""
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else [f"SQLite integrity check: {r}" for r in rows]
