"""The tamper-evident audit chain and the fingerprint of a signed visit.

Each audit entry stores the hash of the entry before it and SHA-256(prev_hash + its own canonical
JSON), so changing, inserting or removing an entry breaks the chain after it. Signing stores the
SHA-256 of the visit's canonical content, and the sign entry repeats it, so a signed visit changed
behind the app's back no longer matches either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlite_utils import Database

GENESIS = "0" * 64
VERIFY_CHUNK = 2000  # signed visits recomputed per round of queries
FINGERPRINT_PREFIX = "fingerprint "
AMENDMENT_PREFIX = "sha256 "

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
}


def canonical_json(data: Any) -> str:
    """One stable text for the same data: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """The hash of one audit entry (its id, time, actor, action, entity, entity_id and detail)."""
    keys = ("id", "at", "actor", "action", "entity", "entity_id", "detail")
    return sha256(prev_hash + canonical_json({k: entry[k] for k in keys}))


def append(
    db: Database, actor: str, action: str, entity: str, entity_id: object, detail: str = ""
) -> None:
    """Add one entry to the chain. Call inside the transaction of the change it records."""
    last = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    last_id, prev_hash = last if last else (0, GENESIS)
    entry = {
        "id": last_id + 1,
        "at": now().isoformat(),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "detail": detail,
    }
    db.execute(
        "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, prev_hash, hash) "
        "VALUES (:id, :at, :actor, :action, :entity, :entity_id, :detail, :prev_hash, :hash)",
        {**entry, "prev_hash": prev_hash, "hash": entry_hash(prev_hash, entry)},
    )


def chained(
    prev_hash: str, first_id: int, entries: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Complete entries (id, prev_hash, hash) for a bulk insert that continues the chain."""
    rows = []
    for n, entry in enumerate(entries):
        entry = {**entry, "id": first_id + n, "entity_id": str(entry["entity_id"])}
        entry["prev_hash"] = prev_hash
        entry["hash"] = prev_hash = entry_hash(prev_hash, entry)
        rows.append(entry)
    return rows


def visit_fingerprint(
    visit: Mapping[str, Any], children: Mapping[str, Sequence[Sequence[Any]]]
) -> str:
    """SHA-256 of a visit's canonical content: its row as stored plus its recorded items."""
    content = {
        "visit": {c: visit[c] for c in FINGERPRINTED_COLUMNS},
        **{table: sorted(list(row) for row in children.get(table, [])) for table in CHILD_TABLES},
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


def verify(db: Database) -> list[str]:
    """Every mismatch in the chain, the signed visits and the amendments; [] when intact."""
    problems = []
    prev_hash, expected_id = GENESIS, 1
    signs: dict[str, tuple[int, str]] = {}
    amends: dict[str, tuple[int, str]] = {}
    for row in db.query("SELECT * FROM audit_log ORDER BY id"):
        if row["id"] != expected_id:
            problems.append(f"Audit log: entry {expected_id} is missing (next is {row['id']}).")
        if row["prev_hash"] != prev_hash:
            problems.append(
                f"Audit log: entry {row['id']} does not follow the entry before it "
                "(an entry was changed, removed or inserted)."
            )
        if entry_hash(row["prev_hash"], row) != row["hash"]:
            problems.append(f"Audit log: entry {row['id']} was changed after it was written.")
        if row["action"] == "sign" and row["detail"].startswith(FINGERPRINT_PREFIX):
            signs[row["entity_id"]] = (row["id"], row["detail"].removeprefix(FINGERPRINT_PREFIX))
        if row["action"] == "amend" and row["detail"].startswith(AMENDMENT_PREFIX):
            amendment_id, _, digest = row["detail"].removeprefix(AMENDMENT_PREFIX).partition(" ")
            amends[amendment_id] = (row["id"], digest)
        prev_hash, expected_id = row["hash"], row["id"] + 1
    problems += _verify_visits(db, signs)
    problems += _verify_amendments(db, amends)
    return problems


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


def _verify_visits(db: Database, signs: dict[str, tuple[int, str]]) -> list[str]:
    problems = []
    sound_snapshots = {
        key
        for key, snapshot in db.execute("SELECT sha256, snapshot FROM differentials")
        if sha256(snapshot) == key
    }
    visits = {
        str(r[0]): (r[1], r[2])
        for r in db.execute(
            "SELECT id, fingerprint, differential FROM visits WHERE status = 'signed'"
        )
    }
    recomputed: dict[int, str] = {}
    ids = sorted(int(v) for v in visits)
    for start in range(0, len(ids), VERIFY_CHUNK):
        chunk = ids[start : start + VERIFY_CHUNK]
        recomputed.update(signed_fingerprints(db, chunk[0], chunk[-1]))
    for visit_id, (fingerprint, differential) in visits.items():
        if differential not in sound_snapshots:
            problems.append(
                f"Visit {visit_id}: the differential stored at signing is missing or was changed."
            )
        if recomputed.get(int(visit_id)) != fingerprint:
            problems.append(
                f"Visit {visit_id}: its content no longer matches the fingerprint stored when it "
                "was signed."
            )
        elif visit_id in signs and signs[visit_id][1] != fingerprint:
            problems.append(
                f"Visit {visit_id}: its fingerprint differs from the one in audit entry "
                f"{signs[visit_id][0]}."
            )
        elif visit_id not in signs:
            problems.append(f"Visit {visit_id}: signed, but the audit log has no record of it.")
    for visit_id, (entry_id, _) in signs.items():
        if visit_id not in visits:
            problems.append(
                f"Visit {visit_id}: audit entry {entry_id} records it as signed, but it is not "
                "signed (or is missing) now."
            )
    return problems


def _verify_amendments(db: Database, amends: dict[str, tuple[int, str]]) -> list[str]:
    problems = []
    rows = {str(r["id"]): r for r in db.query("SELECT * FROM amendments")}
    for amendment_id, row in rows.items():
        if amendment_id not in amends:
            problems.append(f"Amendment {amendment_id}: not recorded in the audit log.")
        elif amendment_hash(row) != amends[amendment_id][1]:
            problems.append(
                f"Amendment {amendment_id} (visit {row['visit_id']}): changed after it was "
                f"recorded (audit entry {amends[amendment_id][0]})."
            )
    for amendment_id, (entry_id, _) in amends.items():
        if amendment_id not in rows:
            problems.append(
                f"Amendment {amendment_id}: recorded in audit entry {entry_id} but missing."
            )
    return problems


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """SQLite's own integrity check, as readable lines; [] when ok."""
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else [f"SQLite integrity check: {r}" for r in rows]
