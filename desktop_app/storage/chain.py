"""Walking the audit chain: every link and hash checked, and what the log says the records are.

The walk reads the log once, in order, and collects what verify compares the records with:
the fingerprint of each signature, the hash of each amendment, the latest demographics digest
of each patient, and which patients, episodes and visits were created.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlite_utils import Database

from desktop_app.storage import keys
from desktop_app.storage.audit import (
    AMENDMENT_PREFIX,
    DEMOGRAPHICS_PREFIX,
    ENTRY_KEYS,
    FINGERPRINT_PREFIX,
    GENESIS,
    KEYED_PREFIX,
    entry_hash,
)
from desktop_app.storage.encryption import DB_ERRORS

Progress = Callable[[str, int, int], None]  # (stage, done, total)
ROWS_PER_REPORT = 20_000
CREATED = ("patient", "episode", "visit")


@dataclass
class Ledger:
    """What the audit log records, entry by entry, and what is wrong with the log itself."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    entries: int = 0
    last: tuple[int, str] = (0, GENESIS)
    signs: dict[str, tuple[int, str]] = field(default_factory=dict)  # visit -> (entry, fp)
    amends: dict[str, tuple[int, str]] = field(default_factory=dict)  # amendment -> (entry, hash)
    demographics: dict[str, tuple[int, str]] = field(default_factory=dict)  # patient -> digest
    created: dict[str, dict[str, int]] = field(
        default_factory=lambda: {entity: {} for entity in CREATED}
    )


@dataclass
class _Keys:
    """Which entries were keyed how: unkeyed (before keying), another key, or unverifiable."""

    key: bytes | None
    unkeyed: list[int] = field(default_factory=list)
    foreign: dict[str, list[int]] = field(default_factory=dict)
    keyed_seen: bool = False

    def check(self, row: dict[str, object], ledger: Ledger) -> None:
        stored, entry_id = str(row["hash"]), int(str(row["id"]))
        if any(isinstance(row[k], bytes) for k in ENTRY_KEYS):  # the definition cannot hash it
            ledger.problems.append(
                f"Audit log: entry {entry_id} holds a value the app never writes (binary data): "
                "it was changed after it was written."
            )
            return
        if not stored.startswith(KEYED_PREFIX):
            if self.keyed_seen:
                ledger.problems.append(
                    f"Audit log: entry {entry_id} has an unkeyed hash after keyed entries (the "
                    "log was rewritten without the audit key)."
                )
            else:
                self.unkeyed.append(entry_id)
                if entry_hash(str(row["prev_hash"]), row) != stored:
                    ledger.problems.append(
                        f"Audit log: entry {entry_id} was changed after it was written."
                    )
            return
        self.keyed_seen = True
        key_id = stored.removeprefix(KEYED_PREFIX).partition(":")[0]
        if self.key is None or key_id != keys.key_id(self.key):
            self.foreign.setdefault(key_id, []).append(entry_id)
        elif entry_hash(str(row["prev_hash"]), row, self.key) != stored:
            ledger.problems.append(f"Audit log: entry {entry_id} was changed after it was written.")

    def report(self, ledger: Ledger) -> None:
        if self.unkeyed:
            first, last = self.unkeyed[0], self.unkeyed[-1]
            sealed = "sealed by the keyed entry after them" if self.keyed_seen else "not sealed yet"
            ledger.notes.append(
                f"Audit entries {first}-{last} were written before this installation's audit key "
                f"(plain SHA-256 chain, checked; {sealed})."
            )
        for key_id, ids in self.foreign.items():
            ledger.problems.append(
                f"Audit entries {ids[0]}-{ids[-1]} ({len(ids)}) carry audit key {key_id}, which "
                "this computer does not have: they cannot be checked. Copy the audit.key of the "
                "computer that wrote them beside this one's (docs/storage.md, 'Audit key')."
            )


# Each entry's canonical JSON rendered by SQLite (the keys in sorted order, as entry_text's).
RENDERED = "json_object(" + ", ".join(f"'{k}', {k}" for k in sorted(ENTRY_KEYS)) + ")"


def walk(
    db: Database, *, after: tuple[int, str] = (0, GENESIS), progress: Progress | None = None
) -> Ledger:
    """Check every entry after `after` (sequence, hash): ids, links and keyed hashes.

    The keyed hash of an entry is first checked over its JSON as SQLite renders it (faithful:
    every column but the integer id has TEXT affinity, so it holds text, and a BLOB makes the
    query fail, when the walk starts again the definition's way); an entry whose hash does not
    match that way is checked by the definition (entry_hash), whose word alone counts. On a
    clinic server every entry is checked by the definition.
    """
    if not isinstance(db, Database):  # a clinic server: the definition's way throughout
        return _walk(db, after, progress, fast=False)
    try:
        return _walk(db, after, progress, fast=True)
    except DB_ERRORS:  # a BLOB in an entry (SQLite's JSON refuses it), or a damaged file
        return _walk(db, after, progress, fast=False)


def _walk(db: Database, after: tuple[int, str], progress: Progress | None, *, fast: bool) -> Ledger:
    ledger = Ledger()
    state = _Keys(keys.load(create=False))
    key = state.key or b""
    ours = f"{KEYED_PREFIX}{keys.key_id(key)}:" if key else ""  # this computer's keyed hashes
    if after[0] and after[1].startswith(KEYED_PREFIX):
        state.keyed_seen = True
    prev_hash, expected_id = after[1], after[0] + 1
    total = int(db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0])
    columns = ", ".join((*ENTRY_KEYS, "prev_hash", "hash", RENDERED if fast else "NULL"))
    cursor = db.execute(f"SELECT {columns} FROM audit_log WHERE id > ? ORDER BY id", [after[0]])
    names = [*ENTRY_KEYS, "prev_hash", "hash", "rendered"]
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        entry_id = row["id"]
        if entry_id != expected_id:
            ledger.problems.append(
                f"Audit log: entry {expected_id} is missing (next is {entry_id})."
            )
        if row["prev_hash"] != prev_hash:
            ledger.problems.append(
                f"Audit log: entry {entry_id} does not follow the entry before it "
                "(an entry was changed, removed or inserted)."
            )
        stored, rendered = row["hash"], row["rendered"]
        if (
            ours
            and rendered is not None
            and stored.startswith(ours)
            and stored == ours + keys.mac(key, row["prev_hash"] + rendered)
        ):
            state.keyed_seen = True
        else:
            state.check(row, ledger)
        _record(row, ledger)
        prev_hash, expected_id = stored, entry_id + 1
        ledger.entries += 1
        if progress is not None and ledger.entries % ROWS_PER_REPORT == 0:
            progress("audit entries", entry_id, total)
    ledger.last = (expected_id - 1, prev_hash)
    state.report(ledger)
    return ledger


def _record(row: dict[str, object], ledger: Ledger) -> None:
    action, entity = row["action"], str(row["entity"])
    entity_id, detail, entry_id = str(row["entity_id"]), str(row["detail"]), int(str(row["id"]))
    if action == "sign" and detail.startswith(FINGERPRINT_PREFIX):
        ledger.signs[entity_id] = (entry_id, detail.removeprefix(FINGERPRINT_PREFIX))
    elif action == "amend" and detail.startswith(AMENDMENT_PREFIX):
        amendment_id, _, digest = detail.removeprefix(AMENDMENT_PREFIX).partition(" ")
        ledger.amends[amendment_id] = (entry_id, digest)
    if entity == "patient" and action in ("create", "update"):
        marker = detail.rfind(DEMOGRAPHICS_PREFIX)
        if marker >= 0:
            digest = detail[marker + len(DEMOGRAPHICS_PREFIX) :]
            ledger.demographics[entity_id] = (entry_id, digest)
    if action == "create" and entity in ledger.created:
        ledger.created[entity][entity_id] = entry_id
    elif action == "lost" and entity == "audit_log":  # written at the first open after it
        ledger.notes.append(
            f"Audit entry {entry_id} ({str(row['at'])[:19]}) records a power cut or crash that "
            f"lost {detail}."
        )
