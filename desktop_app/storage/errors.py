"""Typed storage errors with messages a physiotherapist can act on, and the SQLite error mapping."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.errors import StorageError


class DatabaseCorrupt(StorageError):
    """The file is not a database, or it is damaged."""


class DatabaseLocked(StorageError):
    """Another program holds the database."""


class DatabaseReadOnly(StorageError):
    """The database or its folder cannot be written, or it was opened read-only."""


class DiskFull(StorageError):
    """The disk (or the database's size limit) is full."""


class DatabaseMissing(StorageError):
    """The database file or its folder does not exist."""


class RecordNotFound(StorageError):
    """A patient, visit or episode with that ID does not exist."""


def storage_error(exc: Exception, path: Path) -> StorageError | None:
    """The user-facing error for an environmental SQLite failure; None for anything else (a bug)."""
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_NOTADB":
        return DatabaseCorrupt(
            f"{path} is not a database of this app (or it is encrypted). Check that you chose the "
            "right file, or restore a backup with 'python main.py restore FILE'."
        )
    if name.startswith("SQLITE_CORRUPT"):
        return DatabaseCorrupt(
            f"The database {path} is damaged. Nothing more was written to it. Restore the latest "
            "backup with 'python main.py restore FILE'."
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return DatabaseLocked(
            f"The database {path} is busy in another program. Your change was not saved: close the "
            "other program (or the other copy of this app) and try again."
        )
    if name.startswith("SQLITE_READONLY"):
        return DatabaseReadOnly(
            f"The database {path} cannot be written (read-only file or folder). Your change was "
            "not saved: check the file's permissions or open a copy in a writable folder."
        )
    if name == "SQLITE_FULL":
        return DiskFull(
            f"The disk holding {path} is full. Your change was not saved: free some space, then "
            "try again."
        )
    if name.startswith("SQLITE_CANTOPEN"):
        return DatabaseMissing(
            f"The database {path} cannot be opened: the file or its folder is missing or not "
            "accessible. Check the path given with --db."
        )
    if name.startswith("SQLITE_IOERR"):
        return StorageError(
            f"The disk holding {path} reported an error. Your change may not be saved: check the "
            "disk, then restart the app."
        )
    return None
