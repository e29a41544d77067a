"""Backups with SQLite's online backup API: rotating start-up copies, and a checked restore."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from desktop_app.core.errors import StorageError
from desktop_app.storage import anchor, audit, encryption, partials, private, restore
from desktop_app.storage.database import (
    WriterLock,
    check_schema,
    connect,
    interruptible,
    make_folder,
    mapped,
)
from desktop_app.storage.encryption import DB_ERRORS, DB_OR_STORAGE_ERRORS
from desktop_app.storage.errors import DatabaseCorrupt, DatabaseLocked
from desktop_app.storage.sqlite_file import SqliteFile

if TYPE_CHECKING:
    from sqlite_utils import Database

    from desktop_app.storage.repository import Repository

log = logging.getLogger(__name__)
SUFFIX = ".sqlite3"
STEP_PAGES = 1024  # pages copied between two looks at a stop request (4 MB at 4 KB pages:
# quitting waited up to 0.3 s for a 16 MB step on the loaded machine)
REQUIRED_TABLES = {"patients", "visits", "audit_log", "_sqlite_migrations"}


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


PARTIAL = partials.SUFFIX


def copy_database(
    conn: sqlite3.Connection, dest: Path, source: Path, stop: threading.Event | None = None
) -> Path:
    """Copy an open database to dest through a private temporary file, checked before renaming.

    The copy gets SQLite's full integrity_check (not only quick_check): a damaged database is
    never passed on as a good backup. dest is never half-written.
    """
    private.make_dir(dest.parent)
    partial = dest.with_name(dest.name + PARTIAL)
    with partials.recorded(partial):  # a kill leaves it recorded: the next start removes it
        return _copy(conn, dest, partial, source, stop)


def _stopper(stop: threading.Event) -> Callable[[int, int, int], None]:
    def progress(_status: int, _remaining: int, _total: int) -> None:
        if stop.is_set():
            raise sqlite3.OperationalError("interrupted")  # the copy is abandoned, see _copy

    return progress


def _copy(
    conn: sqlite3.Connection,
    dest: Path,
    partial: Path,
    source: Path,
    stop: threading.Event | None = None,
) -> Path:
    try:
        private.create_file(partial)
        target = encryption.connect_like(conn, partial)  # encrypted with the same key, if it is
        try:
            if stop is None:
                conn.backup(target)
            else:  # in steps a quitting app can stop (issue 17); its check stops too
                conn.backup(target, pages=STEP_PAGES, progress=_stopper(stop))
            # A backup is one self-contained file, whatever the journal mode of the original.
            target.execute("PRAGMA journal_mode = DELETE")
            with interruptible(target, stop):
                problems = audit.integrity_problems(target)
            if problems:
                raise DatabaseCorrupt(
                    f"The database {source} is damaged ({problems[0]}). No backup was written, "
                    "so the existing backups stay sound. Restore the latest backup with "
                    "'python main.py restore FILE'."
                )
            head = audit.head(cast("Database", SqliteFile(target)))  # no sqlite-utils import
        finally:
            target.close()
        os.replace(partial, dest)
        _anchor_backup(dest, head)
    except DB_ERRORS as exc:
        partial.unlink(missing_ok=True)
        raise mapped(
            exc, dest if "FULL" in getattr(exc, "sqlite_errorname", "") else source
        ) from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"Cannot write the backup {dest}: {exc.strerror}.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return dest


def _anchor_backup(dest: Path, head: tuple[int, str]) -> None:
    """The backup's own head, outside it: `verify --db BACKUP` and restore check it."""
    if head[0] == 0:
        return
    try:
        anchor.write(dest, anchor.Anchor(anchor.Head(*head), audit.now().isoformat()))
    except (OSError, StorageError) as exc:
        log.warning("backup written, its anchor not: %s", exc)


def backups(db_path: Path, backup_dir: Path) -> list[Path]:
    """The rotating backups of one database, oldest first."""
    return sorted(backup_dir.glob(f"{db_path.stem}-*{SUFFIX}"))


def remove_partials(db_path: Path, backup_dir: Path | None = None) -> None:
    """Remove copies left by a backup killed part-way (run at each start), wherever written."""
    partials.remove_recorded()
    folder = backup_dir or default_backup_dir(db_path)
    for partial in folder.glob(f"*{SUFFIX}{PARTIAL}") if folder.is_dir() else []:
        partial.unlink(missing_ok=True)
        log.info("removed an unfinished backup copy")


def _patients(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM patients").fetchone()[0])


def rotate_backups(
    db_path: Path, backup_dir: Path, keep: int, stop: threading.Event | None = None
) -> Path | None:
    """Back up db_path into backup_dir with a time stamp and prune all but the newest `keep`.

    An empty source (no patients) is skipped (None), a damaged one refused (DatabaseCorrupt):
    neither may rotate a real backup out. The newest backup holding more patients than the
    current file is never pruned.
    """
    remove_partials(db_path, backup_dir)
    conn = connect(db_path, read_only=True, create=False)
    try:
        with interruptible(conn, stop):  # the count reads every patient row (0.2 s at 1M)
            current = _patients(conn)
        if current == 0:
            log.info("start-up backup skipped: the database holds no patients")
            return None
        dest = backup_dir / f"{db_path.stem}-{_stamp()}{SUFFIX}"
        dest = copy_database(conn, dest, db_path, stop)
    except DB_ERRORS as exc:
        raise mapped(exc, db_path) from None
    finally:
        conn.close()
    _prune(db_path, backup_dir, keep, current)
    return dest


def _count(path: Path) -> int:
    try:
        conn = connect(path, read_only=True, create=False)
        try:
            return _patients(conn)
        finally:
            conn.close()
    except DB_OR_STORAGE_ERRORS:
        return -1


def _prune(db_path: Path, backup_dir: Path, keep: int, current: int) -> None:
    """Delete all but the newest `keep` backups, sparing the newest one richer than `current`."""
    every = backups(db_path, backup_dir)
    doomed = every[: -max(keep, 1)]
    if not doomed or any(_count(kept) > current for kept in every[len(doomed) :]):
        spared = None
    else:
        spared = next((old for old in reversed(doomed) if _count(old) > current), None)
    for old in doomed:
        if old != spared:
            old.unlink(missing_ok=True)
            anchor.forget(old)


def default_backup_dir(db_path: Path) -> Path:
    """Backups live in a "backups" folder beside the database (the user data dir by default)."""
    return db_path.parent / "backups"


def startup_backup(
    repo_or_path: Repository | Path,
    keep: int,
    backup_dir: Path | None = None,
    stop: threading.Event | None = None,
) -> Path | None:
    """The rotating backup taken when the app starts (read-only; see rotate_backups); with
    ``stop``, setting it abandons the copy (an error; no partial file is left)."""
    path = repo_or_path if isinstance(repo_or_path, Path) else repo_or_path.path
    return rotate_backups(path, backup_dir or default_backup_dir(path), keep, stop)


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
        from sqlite_utils import Database  # not on the start path (click, dateutil…)

        db = Database(conn, execute_plugins=False)
        check_schema(db, src)
        missing = REQUIRED_TABLES - set(db.table_names())
        if missing:
            raise DatabaseCorrupt(
                f"{src} is not a backup of this app (no {', '.join(sorted(missing))} table). "
                "Nothing was restored."
            )
        changed = anchor.check_open(db, src)
        if changed:
            raise DatabaseCorrupt(
                f"The backup {src} was changed after it was written (its audit log does not end "
                "where it did when it was made). Nothing was restored: choose another backup, "
                "and keep this one for investigation."
            )
    except DB_ERRORS as exc:
        error = mapped(exc, src)
        if isinstance(error, DatabaseCorrupt):
            raise DatabaseCorrupt(
                f"{src} is not a backup of this app (not a readable SQLite database, or it is "
                "encrypted and its passphrase was not given). Nothing was restored: choose "
                "another backup file, or give its passphrase."
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
            restore.copy_in(src, temp, db_path, lambda db: _audit_restore(db, src, db_path))
        except BaseException:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{temp}{suffix}").unlink(missing_ok=True)
            raise
        return restore.swap_in(temp, db_path)
    finally:
        lock.release()


def _audit_restore(db: Database, src: Path, db_path: Path) -> None:
    """The restore entry, naming where the replaced database's log ended (its anchor)."""
    detail = f"from {src.name}"
    try:
        replaced = anchor.read(db_path)
    except anchor.AnchorAltered:
        replaced = None
    if replaced is not None:
        detail += f"; the replaced log ended at entry {replaced.head.seq} {replaced.head.hash}"
    with db.atomic():
        audit.append(db, "system", "restore", "database", "", detail)
