"""Walking the audit chain: every link and hash checked, and what the log says the records are.

The walk reads the log once, in order, and collects what verify compares the records with:
the fingerprint of each signature, the hash of each amendment, the latest demographics digest
of each patient, and which patients, episodes and visits were created.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
from desktop_app.storage.encryption import CONNECTIONS, DB_ERRORS

if TYPE_CHECKING:  # sqlite-utils (click, dateutil, pluggy) stays off the start path
    from sqlite_utils import Database

Progress = Callable[[str, int, int], None]  # (stage, done, total)
ROWS_PER_REPORT = 20_000
CREATED = ("patient", "episode", "visit")
BLOCK = 64  # SHA-256's block, in bytes


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


# Each entry's canonical JSON rendered by SQLite (the keys in sorted order, as entry_text's), after
# the hash before it: the text its keyed hash covers, as bytes (NULL when prev_hash is not text).
RENDERED = "json_object(" + ", ".join(f"'{k}', {k}" for k in sorted(ENTRY_KEYS)) + ")"
COVERED = f"CASE WHEN typeof(prev_hash) = 'text' THEN CAST(prev_hash || {RENDERED} AS BLOB) END"
NAMES = (*ENTRY_KEYS, "prev_hash", "hash", "covered")


class _Mac:
    """HMAC-SHA256 (RFC 2104) under one key with its two padded key blocks hashed once: a third
    of the one-shot's time per entry. keys.mac stays the definition (the tests hold them equal)."""

    def __init__(self, key: bytes) -> None:
        block = (hashlib.sha256(key).digest() if len(key) > BLOCK else key).ljust(BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def __call__(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


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
    if not isinstance(db.conn, CONNECTIONS):  # a clinic server: the definition's way
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
    mac, skip = (_Mac(key) if fast and key else None), len(ours)
    if after[0] and after[1].startswith(KEYED_PREFIX):
        state.keyed_seen = True
    prev_hash, expected_id = after[1], after[0] + 1
    total = int(db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0])
    columns = ", ".join((*ENTRY_KEYS, "prev_hash", "hash", COVERED if fast else "NULL"))
    cursor = db.execute(f"SELECT {columns} FROM audit_log WHERE id > ? ORDER BY id", [after[0]])
    for values in cursor:  # a tuple: a dict only for the definition's check
        entry_id, stored, covered = values[0], values[8], values[9]
        if entry_id != expected_id:
            ledger.problems.append(
                f"Audit log: entry {expected_id} is missing (next is {entry_id})."
            )
        if values[7] != prev_hash:
            ledger.problems.append(
                f"Audit log: entry {entry_id} does not follow the entry before it "
                "(an entry was changed, removed or inserted)."
            )
        if (
            mac is not None
            and covered is not None
            and isinstance(stored, str)
            and stored.startswith(ours)
            and stored[skip:] == mac(covered)
        ):
            state.keyed_seen = True
        else:
            state.check(dict(zip(NAMES, values, strict=True)), ledger)
        _record(values, ledger)
        prev_hash, expected_id = stored, entry_id + 1
        ledger.entries += 1
        if progress is not None and ledger.entries % ROWS_PER_REPORT == 0:
            progress("audit entries", entry_id, total)
    ledger.last = (expected_id - 1, prev_hash)
    state.report(ledger)
    return ledger


def _record(values: tuple[object, ...], ledger: Ledger) -> None:
    """What one entry (a row of NAMES) says the records are."""
    action, entity, entity_id, detail = values[3], str(values[4]), str(values[5]), str(values[6])
    entry_id = int(str(values[0]))
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
            f"Audit entry {entry_id} ({str(values[1])[:19]}) records a power cut or crash that "
            f"lost {detail}."
        )
