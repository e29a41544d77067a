"""No empty impostors: a missing or 0-byte file where a database was expected is refused.

SQLite opens a missing or empty file as a new, empty database. Where a database has been before
(its backups, a file kept by a restore, or its audit anchor are on this computer), that would
hide the real data behind an empty file that verifies as "intact"; so it is refused with a
message that offers the latest backup. Creating a database there takes an explicit "new
database" (`--create`).
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.storage.backup import backups, default_backup_dir
from desktop_app.storage.encryption import DB_OR_STORAGE_ERRORS
from desktop_app.storage.errors import DatabaseMissing


def is_empty(path: Path) -> bool:
    """A 0-byte file with no write-ahead log holding data (which SQLite would replay)."""
    try:
        if path.stat().st_size > 0:
            return False
    except FileNotFoundError:
        return False
    wal = Path(f"{path}-wal")
    return not (wal.exists() and wal.stat().st_size > 0)


def evidence(path: Path) -> list[Path]:
    """Files on this computer showing that a database lived at path: its backups, kept copies."""
    found = backups(path, default_backup_dir(path))
    found += sorted(path.parent.glob(f"{path.stem}.replaced-*.sqlite3"))
    from desktop_app.storage import anchor  # the anchor module keys on the user data directory

    head = anchor.anchor_file(path)
    return found + ([head] if head.exists() else [])


def patient_count(path: Path) -> int | None:
    """Patients in the database at path (an encrypted one with the given passphrase); None if it
    cannot be read."""
    from desktop_app.storage.database import connect

    try:
        conn = connect(path, read_only=True, create=False)
        try:
            return int(conn.execute("SELECT count(*) FROM patients").fetchone()[0])
        finally:
            conn.close()
    except DB_OR_STORAGE_ERRORS:
        return None


def latest_backup(path: Path) -> tuple[Path, int] | None:
    """The newest readable backup of the database at path, with its number of patients."""
    for candidate in reversed(backups(path, default_backup_dir(path))):
        count = patient_count(candidate)
        if count is not None:
            return candidate, count
    return None


def refuse(path: Path, *, allow_fresh: bool = True) -> None:
    """Raise DatabaseMissing if path is empty, or missing where a database has been.

    With `allow_fresh`, a 0-byte file with no trace of a database ever being there (a first
    start killed before SQLite wrote its header) is let through to be initialised.
    """
    if is_empty(path):
        if allow_fresh and not evidence(path):
            return
        problem = f"The database {path} is an empty file (0 bytes)"
    elif not path.exists() and evidence(path):
        problem = f"There is no database at {path}, but one was there before"
    else:
        return
    latest = latest_backup(path)
    offer = (
        f"The latest backup is {latest[0]} ({latest[1]} patients): restore it with "
        f"'python main.py restore {latest[0]}'."
        if latest
        else "No backup of it was found in its backups folder: look for a copy on another disk."
    )
    raise DatabaseMissing(
        f"{problem}. Nothing was created, so the real records are not hidden behind an empty "
        f"file. {offer} Only to start a new, empty database there, use --create."
    )
