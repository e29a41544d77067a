"""migrate-to-server: an SQLite file copied into an empty clinic database, row for row, then
checked: the same counts and the same fingerprint of every table, and verify clean."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.errors import StorageError
from desktop_app.storage import audit
from desktop_app.storage.repository import Repository

# Parents before children; tables added later by other migrations follow, in name order, then
# the audit log.
ORDER = (
    "settings",
    "patients",
    "episodes",
    "differentials",
    "visits",
    "answers",
    "exam_findings",
    "body_marks",
    "measure_results",
    "red_flag_acks",
    "amendments",
)
LAST = "audit_log"  # after every record (and after the signed visits are signed again)
DERIVED = {"patient_name_prefixes", "_sqlite_migrations"}  # rebuilt by the server itself
BATCH = 2000


@dataclass
class Transfer:
    counts: dict[str, int] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)


def tables(source: Repository) -> list[str]:
    names = [t for t in source.db.table_names() if t not in DERIVED and not t.startswith("sqlite")]
    rest = sorted(set(names) - set(ORDER) - {LAST})
    return [t for t in ORDER if t in names] + rest + ([LAST] if LAST in names else [])


def _rows(repo: Repository, table: str) -> Iterable[tuple[Any, ...]]:
    cursor = repo.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
    yield from cursor


def _columns(repo: Repository, table: str) -> list[str]:
    cursor = repo.db.execute(f"SELECT * FROM {table} LIMIT 0")
    return [d[0] for d in cursor.description]


def fingerprint(repo: Repository, table: str) -> tuple[int, str]:
    """(rows, SHA-256 of every row's canonical JSON by column name) of one table."""
    columns = _columns(repo, table)
    digest, count = hashlib.sha256(), 0
    for row in _rows(repo, table):
        digest.update(audit.canonical_json(dict(zip(columns, row, strict=True))).encode())
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def copy(
    source: Repository,
    target: Repository,
    progress: Callable[[str], None] | None = None,
    *,
    verified: bool = True,
) -> Transfer:
    """Copy every table of source into target (empty) in one transaction, then compare both.

    `verified=False` only for synthetic fixtures written without audit entries (bench).
    """
    problems = source.verify() if verified else []
    if problems:
        raise StorageError(
            f"{source.path} does not verify ({problems[0]}). Nothing was copied: resolve that "
            "first ('verify'), so the server starts from a sound record."
        )
    if target.patient_count() or target.audit_trail():
        raise StorageError(
            f"The clinic database {target.path} already holds data. Nothing was copied: "
            "migrate into a new, empty database."
        )
    names = tables(source)
    signed: list[int] = []
    with target.batch():
        for table in [*names, ""]:
            if table in (LAST, ""):  # every recorded item is in: sign the signed visits again
                for start in range(0, len(signed), BATCH):
                    chunk = signed[start : start + BATCH]
                    marks = ", ".join("?" * len(chunk))
                    target.db.execute(
                        f"UPDATE visits SET status = 'signed' WHERE id IN ({marks})", chunk
                    )
                signed = []
            if not table:
                break
            if progress:
                progress(table)
            columns = _columns(source, table)
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            batch: list[tuple[Any, ...]] = []
            for row in _rows(source, table):
                if table == "visits":
                    values = dict(zip(columns, row, strict=True))
                    if values["status"] == "signed":  # signed once its items are in (guards)
                        signed.append(int(values["id"]))
                        row = tuple("draft" if c == "status" else v for c, v in values.items())
                batch.append(tuple(row))
                if len(batch) >= BATCH:
                    target.db.conn.executemany(sql, batch)
                    batch = []
            if batch:
                target.db.conn.executemany(sql, batch)
    return compare(source, target, names, verified=verified)


def compare(
    source: Repository, target: Repository, names: list[str], *, verified: bool = True
) -> Transfer:
    """Counts and fingerprints equal table by table, and the server's copy verifies."""
    result = Transfer()
    for table in names:
        count, digest = fingerprint(source, table)
        theirs = fingerprint(target, table)
        if (count, digest) != theirs:
            raise StorageError(
                f"The copy of {table} on the server differs from the file ({count} rows in the "
                f"file, {theirs[0]} on the server). Drop the server database and migrate again."
            )
        result.counts[table], result.fingerprints[table] = count, digest
    problems = target.verify() if verified else []
    if problems:
        raise StorageError(f"The server's copy does not verify: {problems[0]}")
    return result
