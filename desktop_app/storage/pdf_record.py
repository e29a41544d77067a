"""The record stamp in an exported PDF, and `verify --pdf`: is this file what the record says?

Every exported PDF carries a stamp (the visit, its status and fingerprint, a digest of its
content, and the audit head at export) and its export entry logs the file's SHA-256. A PDF then
checks out when this exact file was logged as exported, the log still holds the head it was
exported at, and the visit still has the fingerprint printed in it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from desktop_app.storage import audit, keys

if TYPE_CHECKING:  # sqlite-utils (click, dateutil, pluggy) stays off the start path
    from sqlite_utils import Database

STAMP_VERSION = 1


def stamp(db: Database, visit_id: int) -> str:
    """The record stamp of a visit as it is now (JSON)."""
    visit, children = audit.visit_content(db, visit_id)
    row = db.execute("SELECT fingerprint FROM visits WHERE id = ?", [visit_id]).fetchone()
    seq, head_hash = audit.head(db)
    return audit.canonical_json(
        {
            "version": STAMP_VERSION,
            "visit": visit_id,
            "status": visit.get("status", ""),
            "fingerprint": row[0] if row else "",
            "content": audit.visit_fingerprint(visit, children) if visit else "",
            "head": [seq, head_hash],
        }
    )


def check(db: Database, record: str | None, file_sha256: str) -> tuple[list[str], list[str]]:
    """(problems, findings) for a PDF with this stamp and these bytes' SHA-256."""
    if record is None:
        return ["This file carries no record stamp: it is not a PDF exported by this app."], []
    try:
        data = json.loads(record)
        visit_id, (seq, head_hash) = int(data["visit"]), data["head"]
        printed = str(data["fingerprint"])
    except (ValueError, KeyError, TypeError):
        return ["The record stamp in this file cannot be read: it was altered."], []
    problems, findings = [], []
    entry = _export_entry(db, visit_id, file_sha256)
    if entry is None:
        problems.append(
            f"This file is not one this database exported for visit {visit_id}: it was changed "
            "after export, comes from another database, or was written when its export could "
            "not be audited (the export then said so)."
        )
    else:
        findings.append(f"Exported as {entry[1]} at {entry[0]} (audit entry {entry[2]}).")
    stored = db.execute("SELECT hash FROM audit_log WHERE id = ?", [seq]).fetchone()
    if stored is None or stored[0] != head_hash:
        problems.append(
            f"The audit log no longer holds entry {seq} as it was when this file was exported: "
            "it was rewritten or cut off since (run 'verify')."
        )
    visit, children = audit.visit_content(db, visit_id)
    current = db.execute("SELECT fingerprint FROM visits WHERE id = ?", [visit_id]).fetchone()
    if not visit or current is None:
        problems.append(f"Visit {visit_id}, which this file shows, is no longer in the database.")
    elif printed:
        recomputed = audit.visit_fingerprint(visit, children)
        if printed != current[0] or recomputed != printed:
            problems.append(
                f"Visit {visit_id}: the fingerprint printed in this file ({printed[:12]}…) no "
                "longer matches the record."
            )
        else:
            findings.append(f"Visit {visit_id} is signed with the fingerprint printed in it.")
    elif audit.visit_fingerprint(visit, children) != data.get("content"):
        findings.append(f"Visit {visit_id} was a draft and has changed since this file was made.")
    else:
        findings.append(f"Visit {visit_id} is a draft, unchanged since this file was made.")
    return problems, findings


def _export_entry(db: Database, visit_id: int, file_sha256: str) -> tuple[str, str, int] | None:
    """(time, what, entry id) of the keyed export entry that logged these bytes."""
    key = keys.load(create=False)
    columns = ", ".join((*audit.ENTRY_KEYS, "prev_hash", "hash"))
    for values in db.execute(
        f"SELECT {columns} FROM audit_log WHERE action = 'export' AND entity = 'visit' "
        "AND entity_id = ? AND detail LIKE ?",
        [str(visit_id), f"% sha256 {file_sha256}"],
    ):
        row = dict(zip((*audit.ENTRY_KEYS, "prev_hash", "hash"), values, strict=True))
        if key is not None and audit.entry_hash(row["prev_hash"], row, key) == row["hash"]:
            return str(row["at"]), str(row["detail"]).partition(" sha256 ")[0], int(row["id"])
    return None
