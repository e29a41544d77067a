"""Backups with SQLite's online backup API: rotating start-up copies, and a checked restore."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlite_utils import Database

from desktop_app.core.errors import StorageError
from desktop_app.storage import audit, restore
from desktop_app.storage.database import (
    WriterLock,
    check_schema,
    connect,
    make_folder,
    mapped,
)
from desktop_app.storage.errors import DatabaseCorrupt, DatabaseLocked

if TYPE_CHECKING:
    from desktop_app.storage.repository import Repository

SUFFIX = ".sqlite3"
REQUIRED_TABLES = {"patients", "visits", "audit_log", "_sqlite_migrations"}


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def copy_database(conn: sqlite3.Connection, dest: Path, source: Path) -> Path:
    """Copy an open database to dest through a temporary file, so dest is never half-written."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    try:
        target = sqlite3.connect(partial)
        try:
            conn.backup(target)
            # A backup is one self-contained file, whatever the journal mode of the original.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        os.replace(partial, dest)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise mapped(
            exc, dest if "FULL" in getattr(exc, "sqlite_errorname", "") else source
        ) from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"Cannot write the backup {dest}: {exc.strerror}.") from None
    return dest


def backups(db_path: Path, backup_dir: Path) -> list[Path]:
    """The rotating backups of one database, oldest first."""
    return sorted(backup_dir.glob(f"{db_path.stem}-*{SUFFIX}"))


def rotate_backups(db_path: Path, backup_dir: Path, keep: int) -> Path:
    """Back up db_path into backup_dir with a time stamp and delete all but the newest `keep`."""
    conn = connect(db_path, read_only=True)
    try:
        dest = copy_database(conn, backup_dir / f"{db_path.stem}-{_stamp()}{SUFFIX}", db_path)
    finally:
        conn.close()
    _prune(db_path, backup_dir, keep)
    return dest


def _prune(db_path: Path, backup_dir: Path, keep: int) -> None:
    for old in backups(db_path, backup_dir)[: -max(keep, 1)]:
        old.unlink(missing_ok=True)


def default_backup_dir(db_path: Path) -> Path:
    """Backups live in a "backups" folder beside the database (the user data dir by default)."""
    return db_path.parent / "backups"


def startup_backup(
    repo_or_path: Repository | Path, keep: int, backup_dir: Path | None = None
) -> Path:
    """The rotating backup taken when the app starts; keeps the newest `keep` copies."""
    if isinstance(repo_or_path, Path):
        return rotate_backups(repo_or_path, backup_dir or default_backup_dir(repo_or_path), keep)
    repo = repo_or_path
    folder = backup_dir or default_backup_dir(repo.path)
    dest = repo.backup_to(folder / f"{repo.path.stem}-{_stamp()}{SUFFIX}")
    _prune(repo.path, folder, keep)
    return dest


def check_backup(src: Path) -> None:
    """Refuse a file that is not a sound database of this app (integrity and schema)."""
    if not src.is_file():
        raise StorageError(f"There is no backup file at {src}. Nothing was restored.")
    conn = connect(src, read_only=True)
    try:
        problems = audit.integrity_problems(conn)
        if problems:
            raise DatabaseCorrupt(
                f"The backup {src} is damaged ({problems[0]}). Nothing was restored: choose "
                "another backup."
            )
        db = Database(conn, execute_plugins=False)
        check_schema(db, src)
        missing = REQUIRED_TABLES - set(db.table_names())
        if missing:
            raise DatabaseCorrupt(
                f"{src} is not a backup of this app (no {', '.join(sorted(missing))} table). "
                "Nothing was restored."
            )
    except sqlite3.Error as exc:
        error = mapped(exc, src)
        if isinstance(error, DatabaseCorrupt):
            raise DatabaseCorrupt(
                f"{src} is not a backup of this app (not a readable SQLite database). Nothing was "
                "restored: choose another backup file."
            ) from None
        raise error from None
    finally:
        conn.close()


def restore_database(src: Path, db_path: Path) -> Path | None:
    """Replace db_path by the backup src after checking it; the replaced file is kept aside.

    Atomic (storage/restore.py): the copy is made and checked beside the database, then renamed
    over it. Returns the path of the replaced database kept aside (None if there was none). The
    app must not be running on db_path: its writer lock is taken for the duration.
    """
    src, db_path = Path(src), Path(db_path)
    if src.resolve() == db_path.resolve():
        raise StorageError(
            f"{src} is the database itself, not a backup of it. Nothing was restored."
        )
    check_backup(src)
    make_folder(db_path)
    lock = WriterLock(db_path)
    if not lock.acquire():
        raise DatabaseLocked(
            f"The database {db_path} is in use by the app. Close the app, then restore again."
        )
    try:
        restore.recover(db_path)
        temp = restore.temp_path(db_path)
        try:
            restore.copy_in(src, temp, lambda db: _audit_restore(db, src))
        except BaseException:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{temp}{suffix}").unlink(missing_ok=True)
            raise
        return restore.swap_in(temp, db_path)
    finally:
        lock.release()


def _audit_restore(db: Database, src: Path) -> None:
    with db.atomic():
        audit.append(db, "system", "restore", "database", "", f"from {src.name}")
