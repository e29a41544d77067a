"""verify: the records compared with what the audit log says, and the log with its anchor.

Full (the default): every entry, every signed visit, amendment and patient, every record the log
created. Incremental (`verify --incremental`): the entries after the head the last full verify
found intact (kept in the anchor), the records those entries touched, and counts that catch a
record added or removed anywhere; the anchored head is checked either way.
"""

from __future__ import annotations

import bisect
import hashlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.storage import anchor, audit, chain, fingerprints, recorded_loss
from desktop_app.storage.audit import KEYED_PREFIX, VERIFY_CHUNK, sha256
from desktop_app.storage.chain import Ledger, Progress
from desktop_app.storage.encryption import CONNECTIONS, DB_ERRORS

if TYPE_CHECKING:  # sqlite-utils (click, dateutil, pluggy) stays off the start path
    from sqlite_utils import Database

# (table, entity in the log, what the log's count is) for the cheap completeness counts.
COUNTS = (
    ("patients", "SELECT count(*) FROM audit_log WHERE action = 'create' AND entity = 'patient'"),
    ("episodes", "SELECT count(*) FROM audit_log WHERE action = 'create' AND entity = 'episode'"),
    ("visits", "SELECT count(*) FROM audit_log WHERE action = 'create' AND entity = 'visit'"),
    ("amendments", "SELECT count(*) FROM audit_log WHERE action = 'amend'"),
)
SIGNED_COUNT = "SELECT count(DISTINCT entity_id) FROM audit_log WHERE action = 'sign'"


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    entries: int = 0
    signed: int = 0
    incremental_from: int | None = None  # the sequence an incremental verify started after


def verify(
    db: Database, path: Path, *, incremental: bool = False, progress: Progress | None = None
) -> Report:
    """Every mismatch between the records, the chain and its anchor; problems [] when intact."""
    report = Report()
    try:
        anchored = anchor.read(path)
    except anchor.AnchorAltered as exc:
        anchored = None
        report.problems.append(f"Audit anchor: {exc}: it was changed outside the app.")
    start = (0, audit.GENESIS)
    if incremental and anchored is not None and anchored.verified is not None:
        start = (anchored.verified.seq, anchored.verified.hash)
        if _hash_at(db, start[0]) != start[1]:
            report.notes.append(
                f"Audit entry {start[0]}, where the last full verify ended, is not as it was: "
                "verifying everything."
            )
            start = (0, audit.GENESIS)
    elif incremental:
        report.notes.append("No earlier full verify of this file here: verifying everything.")
    if start[0] or not isinstance(db.conn, CONNECTIONS) or not path.is_file():  # a server
        return _checked(db, path, report, anchored, start, progress, None)
    beside = fingerprints.Beside(db, path)  # the visits' content rendered beside the walk
    try:
        return _checked(db, path, report, anchored, start, progress, beside)
    finally:
        beside.stop()


def _checked(
    db: Database,
    path: Path,
    report: Report,
    anchored: anchor.Anchor | None,
    start: tuple[int, str],
    progress: Progress | None,
    beside: fingerprints.Beside | None,
) -> Report:
    ledger = chain.walk(db, after=start, progress=progress)
    report.problems += ledger.problems
    report.entries = int(db.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    report.signed = int(
        db.execute("SELECT count(*) FROM visits WHERE status = 'signed'").fetchone()[0]
    )
    report.problems += _against_anchor(db, anchored, ledger)
    if anchored is None and anchor.unreadable(path):
        report.notes.append(
            "The anchor file of this database cannot be read (a power cut while it was written?): "
            "the newest entries were not checked against it; the next change rewrites it."
        )
    present: dict[str, set[str]] | None = None  # every record's ID, read once in a full verify
    if start[0]:
        report.incremental_from = start[0]
        report.problems += _counts(db)
        only = {int(v) for v in ledger.signs}
    else:
        only = None
        present = _present(db)
        report.problems += _unlogged(ledger, present)
    at = len(report.problems)  # the visits' problems go here, found last (the thread's work)
    report.problems += _amendments(db, ledger.amends, full=not start[0])
    report.problems += _patients(db, ledger, present)
    report.problems += _deleted(db, ledger, present)
    report.problems[at:at] = _visits(db, ledger.signs, only, progress, beside)
    report.notes += ledger.notes
    return report


def integrity_beside(path: Path) -> Callable[[], list[str]]:
    """Start SQLite's integrity check of the file at path on a connection and thread of its own,
    beside the rest of a full verify (it runs in C without the interpreter lock, so on a second
    core); the callable returned waits for its problems (and raises what it raised)."""
    outcome: list[list[str] | BaseException] = []

    def check() -> None:
        from desktop_app.storage.database import connect  # an encrypted file needs its key

        try:
            conn = connect(path, read_only=True, create=False)
            try:
                outcome.append(audit.integrity_problems(conn))
            finally:
                conn.close()
        except BaseException as exc:  # handed to the caller's thread
            outcome.append(exc)

    thread = threading.Thread(target=check, name="verify-integrity", daemon=True)
    thread.start()

    def result() -> list[str]:
        thread.join()
        found = outcome[0]
        if isinstance(found, BaseException):
            raise found
        return found

    return result


def _hash_at(db: Database, seq: int) -> str | None:
    row = db.execute("SELECT hash FROM audit_log WHERE id = ?", [seq]).fetchone()
    return None if row is None else str(row[0])


def _against_anchor(db: Database, anchored: anchor.Anchor | None, ledger: Ledger) -> list[str]:
    last_id, last_hash = audit.head(db)
    if anchored is None:
        if last_hash.startswith(KEYED_PREFIX):
            ledger.notes.append(
                "No anchor for this file on this computer (moved, copied, or from another "
                "computer): the newest entries were not checked against one."
            )
        return []
    row = db.execute("SELECT at FROM audit_log WHERE id = ?", [last_id]).fetchone()
    finding = anchor.compare(
        anchored,
        anchor.Head(last_id, last_hash),
        str(row[0]) if row else "",
        partial(_hash_at, db),
        partial(recorded_loss.covered, db),
    )
    if finding.lost:
        ledger.notes.append(f"Audit log: {finding.lost}.")
    if finding.alarm:
        return [f"Audit log: {finding.alarm}. Restore the latest backup."]
    return []


def _counts(db: Database) -> list[str]:
    problems = []
    for table, logged in COUNTS:
        stored = int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        expected = int(db.execute(logged).fetchone()[0])
        if stored != expected:
            problems.append(
                f"The database holds {stored} {table} but the audit log records {expected}: "
                f"{table} were added or removed outside the app (run a full verify to name them)."
            )
    signed = int(db.execute("SELECT count(*) FROM visits WHERE status = 'signed'").fetchone()[0])
    if signed != int(db.execute(SIGNED_COUNT).fetchone()[0]):
        problems.append(
            "The number of signed visits differs from the signatures in the audit log (run a "
            "full verify to name them)."
        )
    return problems


RECORDS = (("patient", "patients"), ("episode", "episodes"), ("visit", "visits"))


def _present(db: Database) -> dict[str, set[str]]:
    """entity -> the IDs of its table's records."""
    return {e: {str(r[0]) for r in db.execute(f"SELECT id FROM {t}")} for e, t in RECORDS}


def _unlogged(ledger: Ledger, present: dict[str, set[str]]) -> list[str]:
    """Records the log never created (added outside the app)."""
    problems = []
    for entity, _ in RECORDS:
        created = ledger.created[entity]
        for record_id in sorted(present[entity] - created.keys(), key=int):  # rowids
            problems.append(
                f"{entity.capitalize()} {record_id}: not recorded in the audit log (added "
                "outside the app)."
            )
    return problems


def _deleted(db: Database, ledger: Ledger, present: dict[str, set[str]] | None) -> list[str]:
    """Records the log created that are gone (deleted outside the app)."""
    problems = []
    for entity, table in RECORDS:
        created = ledger.created[entity]
        found = _existing(db, table, created) if present is None else present[entity]
        for record_id, entry_id in created.items():
            if record_id not in found:
                problems.append(
                    f"{entity.capitalize()} {record_id}: created in audit entry {entry_id} but "
                    "missing (deleted outside the app)."
                )
    return problems


def _rows_with_ids(db: Database, query: str, ids: Iterable[int | str]) -> list[Any]:
    """The rows of `query` (with one "IN ({})" for the ids) for every id, in chunks."""
    wanted = sorted({int(i) for i in ids if str(i).isdigit()})  # no other id is in a table
    rows: list[Any] = []
    for n in range(0, len(wanted), VERIFY_CHUNK):
        chunk = wanted[n : n + VERIFY_CHUNK]
        rows += db.execute(query.format(", ".join("?" * len(chunk))), chunk).fetchall()
    return rows


def _existing(db: Database, table: str, ids: Iterable[str]) -> set[str]:
    wanted = sorted({int(i) for i in ids})
    found: set[str] = set()
    for n in range(0, len(wanted), VERIFY_CHUNK):
        chunk = wanted[n : n + VERIFY_CHUNK]
        marks = ", ".join("?" * len(chunk))
        found |= {
            str(r[0]) for r in db.execute(f"SELECT id FROM {table} WHERE id IN ({marks})", chunk)
        }
    return found


def _visits(
    db: Database,
    signs: dict[str, tuple[int, str]],
    only: set[int] | None,
    progress: Progress | None,
    beside: fingerprints.Beside | None = None,
) -> list[str]:
    problems = []
    sound_snapshots = {
        key
        for key, snapshot in db.execute("SELECT sha256, snapshot FROM differentials")
        if sha256(snapshot) == key
    }
    query = "SELECT id, fingerprint, differential FROM visits WHERE status = 'signed'"
    if only is None:
        rows = list(db.execute(query))
    else:  # an incremental verify: only the visits its entries signed
        rows = _rows_with_ids(db, query + " AND id IN ({})", only)
    visits = {str(r[0]): (r[1], r[2]) for r in rows}
    ids = sorted(int(v) for v in visits)
    if beside is not None:
        recomputed = _rendered(db, beside, {v: visits[str(v)][0] for v in ids}, progress)
    else:
        recomputed = _recomputed(db, ids, visits, only, progress)
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


def _rendered(
    db: Database, beside: fingerprints.Beside, stored: dict[int, str], progress: Progress | None
) -> dict[int, str]:
    """The fingerprints of the visits in `stored` from the thread's rendering (the definition's
    for each that does not match)."""
    fast: dict[int, str] = {}
    ids, done = sorted(stored), 0
    for first, last, lines in beside.ranges():  # not in order: the caller renders some itself
        fast.update(fingerprints.hashed(db, lines))
        done += bisect.bisect_right(ids, last) - bisect.bisect_left(ids, first)
        if progress is not None:
            progress("signed visits", done, len(ids))
    return fingerprints.settled(db, fast, stored)


def _recomputed(
    db: Database,
    ids: list[int],
    visits: dict[str, tuple[str, str]],
    only: set[int] | None,
    progress: Progress | None,
) -> dict[int, str]:
    recomputed: dict[int, str] = {}
    for start in range(0, len(ids), VERIFY_CHUNK):
        chunk = ids[start : start + VERIFY_CHUNK]
        stored = {v: visits[str(v)][0] for v in chunk}
        if only is None:  # every signed visit in the range: SQLite renders the JSON
            recomputed.update(fingerprints.signed_fingerprints(db, chunk[0], chunk[-1], stored))
        else:  # a few scattered visits: each on its own
            for one in chunk:
                recomputed.update(audit.signed_fingerprints(db, one, one))
        if progress is not None:
            progress("signed visits", start + len(chunk), len(ids))
    return recomputed


def _amendments(db: Database, amends: dict[str, tuple[int, str]], *, full: bool) -> list[str]:
    problems = []
    if full:
        found = list(db.query("SELECT * FROM amendments"))
    else:
        cursor = _rows_with_ids(db, "SELECT * FROM amendments WHERE id IN ({})", amends)
        names = [c[1] for c in db.execute("PRAGMA table_info(amendments)").fetchall()]
        found = [dict(zip(names, r, strict=True)) for r in cursor]
    rows = {str(r["id"]): r for r in found}
    for amendment_id, row in rows.items():
        if amendment_id not in amends:
            problems.append(f"Amendment {amendment_id}: not recorded in the audit log.")
        elif audit.amendment_hash(row) != amends[amendment_id][1]:
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


def _patients(db: Database, ledger: Ledger, present: dict[str, set[str]] | None) -> list[str]:
    """Each patient's demographics against the digest of their latest create or edit entry
    (present: every record's ID in a full verify, None in an incremental one)."""
    problems = []
    rows: Iterable[Any]
    if present is not None:
        rows = _unmatched_patients(db, ledger.demographics)
        created = ledger.created["patient"].keys() & present["patient"]
        undigested = len(created - ledger.demographics.keys())
    else:  # an incremental verify: the patients its entries created or edited
        rows = _rows_with_ids(db, PATIENT_ROWS + " WHERE id IN ({})", ledger.demographics)
        undigested = 0
    for values in rows:
        row: dict[str, Any] = dict(zip(audit.PATIENT_FIELDS, values, strict=True))
        logged = ledger.demographics.get(str(row["id"]))
        if logged is None:
            continue
        if any(isinstance(v, bytes) for v in values) or audit.patient_digest(row) != logged[1]:
            problems.append(
                f"Patient {row['id']}: name, date of birth or other details were changed outside "
                f"the app (they no longer match audit entry {logged[0]})."
            )
    if undigested:
        ledger.notes.append(
            f"{undigested} patient(s) were recorded before demographics were fingerprinted: "
            "their details are checked from their next edit on."
        )
    return problems


PATIENT_ROWS = f"SELECT {', '.join(audit.PATIENT_FIELDS)} FROM patients"


def _unmatched_patients(db: Database, digests: dict[str, tuple[int, str]]) -> Iterable[Any]:
    """The rows of the patients with a logged digest that SQLite's JSON of them does not match
    (the definition decides those); every row on a server or when SQLite refuses (a BLOB)."""
    if not isinstance(db.conn, CONNECTIONS):  # a clinic server
        return db.execute(PATIENT_ROWS)
    rendered = fingerprints.row_json(db.conn, "patients", audit.PATIENT_FIELDS)
    try:
        found = db.execute(f"SELECT id, CAST({rendered} AS BLOB) FROM patients").fetchall()
    except DB_ERRORS:
        return db.execute(PATIENT_ROWS)
    left = [
        patient_id
        for patient_id, text in found
        if (logged := digests.get(str(patient_id))) is not None
        and (text is None or hashlib.sha256(text).hexdigest() != logged[1])
    ]
    return _rows_with_ids(db, PATIENT_ROWS + " WHERE id IN ({})", left)
