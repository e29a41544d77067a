"""Opening the SQLite file: connection, pragmas, migrations from db/migrations, the writer lock."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import quote

from desktop_app import paths
from desktop_app.core.errors import StorageError
from desktop_app.storage import check_record, encryption, private
from desktop_app.storage.encryption import DB_ERRORS, DB_OR_OS_ERRORS
from desktop_app.storage.errors import (
    DatabaseCorrupt,
    DatabaseMissing,
    DatabaseReadOnly,
    storage_error,
)
from desktop_app.storage.sqlite_file import SqliteFile

if TYPE_CHECKING:  # sqlite-utils (click, dateutil, pluggy) is imported where it is used
    from sqlite_utils import Database, Migrations

MIGRATION_SET = "gluteal_assess"
# Long enough to ride out a checkpoint or a backup, short enough never to freeze the window.
BUSY_TIMEOUT_S = 0.5
# Whether opening a file runs PRAGMA quick_check at once (see defer_quick_check).
_check_at_open: ContextVar[bool] = ContextVar("check_at_open", default=True)


def migration_scripts(folder: Path = paths.MIGRATIONS) -> list[Path]:
    """The SQL scripts in file-name order; none at all is a broken installation, not a schema."""
    scripts = sorted(folder.glob("*.sql")) if folder.is_dir() else []
    if not scripts:
        raise StorageError(
            f"This installation of the app is incomplete: the database migrations are missing "
            f"({folder} holds no .sql files). Nothing was written. Reinstall the app."
        )
    return scripts


def statements(sql: str) -> Iterator[str]:
    """The script's statements, split as sqlite-utils splits a script inside a transaction, in
    linear time. A statement can only become complete at a semicolon; sqlite-utils tries every
    character (quadratic: ~40 % of creating a database under cProfile, issue 17)."""
    pending = ""
    pieces = sql.split(";")
    for piece in pieces[:-1]:
        pending += piece + ";"
        text = pending.strip()
        if sqlite3.complete_statement(text):
            yield text
            pending = ""
    rest = (pending + pieces[-1]).strip()
    if rest:
        yield rest


def migrations(folder: Path = paths.MIGRATIONS) -> Migrations:
    """The numbered SQL scripts in db/migrations, in file-name order, as one migration set."""
    from sqlite_utils import Migrations

    result = Migrations(MIGRATION_SET)
    for script in migration_scripts(folder):
        sql = script.read_text(encoding="utf-8")

        def apply(db: Database, sql: str = sql) -> None:
            if not db.conn.in_transaction:
                db.executescript(sql)
                return
            cursor = db.conn.cursor()  # inside the migration's transaction: no implicit commit
            for statement in statements(sql):
                cursor.execute(statement)

        result(name=script.stem)(apply)
    return result


def migration_names(folder: Path = paths.MIGRATIONS) -> list[str]:
    return [script.stem for script in migration_scripts(folder)]


def make_folder(path: Path) -> None:
    """Create the database's folder (0700), or say plainly that it cannot be created."""
    try:
        private.make_dir(path.parent)
    except OSError as exc:
        raise DatabaseReadOnly(
            f"Cannot create the folder for the database {path} ({exc.strerror}). Choose a "
            "writable location with --db."
        ) from None


def connect(path: Path, *, read_only: bool = False, create: bool = True) -> sqlite3.Connection:
    """A connection with foreign keys on and a short busy timeout; errors become StorageError."""
    if not read_only:
        migration_scripts()  # before SQLite creates the file: a broken install writes nothing
    if not path.exists():
        if read_only or not create:
            raise DatabaseMissing(
                f"There is no database at {path}. Check the path, or start the app without "
                "--db to use the default database."
            )
        make_folder(path)
        if not os.access(path.parent, os.W_OK):
            raise DatabaseReadOnly(
                f"Cannot create the database {path}: the folder is read-only. Choose a writable "
                "location with --db."
            )
    new = not path.exists() or path.stat().st_size == 0
    if not read_only:
        _make_private(path)
    mode = "ro" if read_only else "rwc"
    uri = f"file:{quote(str(path.resolve()))}?mode={mode}"
    secret = encryption.passphrase_for(path)  # given, the environment's, or the keyring's
    try:
        # Without a passphrase an encrypted file opens as plain SQLite and fails as "not a
        # database of this app (or it is encrypted)", the same as any other foreign file.
        if secret and (encryption.is_encrypted(path) or (new and not read_only)):
            # sqlcipher3's connection has sqlite3.Connection's whole interface (a fork of it).
            conn: sqlite3.Connection = encryption.connect(path, uri, secret, BUSY_TIMEOUT_S)
        else:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    except DB_ERRORS as exc:
        raise mapped(exc, path) from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
    except DB_ERRORS as exc:
        conn.close()
        raise mapped(exc, path) from None
    return conn


def _make_private(path: Path) -> None:
    """The database 0600 (created so, or tightened): SQLite gives -wal and -shm the same mode."""
    try:
        private.create_empty_if_missing(path)
    except OSError:
        return  # SQLite's own open reports why the file cannot be created
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            part = Path(f"{path}{suffix}")
            if part.exists() and private.mode(part) & 0o077:
                os.chmod(part, private.FILE_MODE)


def mapped(exc: Exception, path: Path) -> Exception:
    """The StorageError for an environmental failure, or the original exception (a bug).

    A clinic server's failure (storage/postgres/dialect.py) carries its own message.
    """
    server_error: StorageError | None = getattr(exc, "storage_error", None)
    return server_error or storage_error(exc, path) or exc


@contextmanager
def defer_quick_check() -> Iterator[None]:
    """Within the block, files that were closed cleanly open without PRAGMA quick_check.

    quick_check reads the whole file (150 ms for 100 MB), so the window runs it in the background
    once it is shown (`quick_check`). A file left with a write-ahead log or a hot journal (the
    app was killed, the machine lost power, or another copy has it open) is still checked at
    once, before anything is written to it.
    """
    token = _check_at_open.set(False)
    try:
        yield
    finally:
        _check_at_open.reset(token)


def unclean_shutdown(path: Path) -> bool:
    """True when the last writer left its log behind (or another connection has the file open).

    In WAL mode SQLite deletes the -wal file when the last connection closes cleanly; a rollback
    journal is deleted at each commit. Either file left over means the file was not closed. An
    empty -wal does not count: a read-only connection that closes last leaves one (it may not
    delete it), and a log with no frames holds nothing that was being written (issue 14: after
    `verify --pdf` every command re-read 1.8 GB with quick_check).
    """
    wal = Path(f"{path}-wal")
    return Path(f"{path}-journal").exists() or (wal.exists() and wal.stat().st_size > 0)


def damage(conn: sqlite3.Connection) -> str | None:
    """PRAGMA quick_check's first finding, or None when the file is sound."""
    check = str(conn.execute("PRAGMA quick_check").fetchone()[0])
    return None if check == "ok" else check


def damaged_message(path: Path, finding: str) -> str:
    return (
        f"The database {path} is damaged ({finding}). Nothing was changed. Restore the "
        "latest backup with 'python main.py restore FILE'."
    )


class StopRequest(threading.Event):
    """A stop request that also interrupts the SQLite statement running under it.

    An integrity check is a single step of SQLite's virtual machine: a progress handler is asked
    only once it has read the whole file (SQLite 3.40: 0.9 s after the request at 1M patients),
    so quitting waited for it. `sqlite3_interrupt` stops it at once. Connections under ``watch``
    are interrupted by ``set`` (from any thread).
    """

    def __init__(self) -> None:
        super().__init__()
        self._guard = threading.Lock()
        self._watched: list[sqlite3.Connection] = []

    def set(self) -> None:
        with self._guard:
            super().set()
            for conn in self._watched:
                conn.interrupt()

    @contextmanager
    def watch(self, conn: sqlite3.Connection) -> Iterator[None]:
        with self._guard:
            if self.is_set():  # an interrupt with no statement running is lost: stop here
                raise sqlite3.OperationalError("interrupted")
            self._watched.append(conn)
        try:
            yield
        finally:
            with self._guard:
                self._watched.remove(conn)


@contextmanager
def interruptible(conn: sqlite3.Connection, stop: threading.Event | None) -> Iterator[None]:
    """Let ``stop`` end the statements run in the block: at once for a StopRequest, else at
    the next look of a progress handler."""
    if isinstance(stop, StopRequest):
        with stop.watch(conn):
            yield
        return
    if stop is not None:
        conn.set_progress_handler(stop.is_set, 10_000)
    yield


def quick_check(path: Path, stop: threading.Event | None = None) -> None:
    """Check a file on a connection of its own, read-only; raises DatabaseCorrupt if damaged.

    Safe to call from a worker thread while the app has the file open; setting ``stop``
    interrupts it (a storage error). A clean result is written down (storage/check_record.py).
    """
    started = time.time()
    conn = connect(path, read_only=True, create=False)
    try:
        with interruptible(conn, stop):
            finding = damage(conn)
    except DB_ERRORS as exc:
        raise mapped(exc, path) from None
    finally:
        conn.close()
    if finding is not None:
        check_record.damaged(path)
        raise DatabaseCorrupt(damaged_message(path, finding))
    check_record.checked_clean(path, started)  # the next starts today need not read it again


def prepare(
    conn: sqlite3.Connection, path: Path, *, read_only: bool, covered: bool = False
) -> Database:
    """Check the file, switch on WAL and full sync, and bring the schema up to date.

    ``covered``: today's clean check still holds for the file as found (check_record.covers),
    so it is not read again; a file not closed cleanly is checked whatever the record says.
    """
    try:
        if (_check_at_open.get() and not covered) or unclean_shutdown(path):
            started = time.time()
            finding = damage(conn)
            if finding is not None:
                check_record.damaged(path)
                raise DatabaseCorrupt(damaged_message(path, finding))
            check_record.checked_clean(path, started)  # later opens today need not read it
        # The part of sqlite-utils' Database that storage uses, without importing sqlite-utils
        # (70-85 ms of every start, issue 17); the type is the one the storage layer names.
        db = cast("Database", SqliteFile(conn))
        if read_only:
            check_schema(db, path)
            return db
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        if check_schema(db, path) != set(migration_names()):  # a new file, or an upgrade
            from sqlite_utils import Database

            # no plugin entry-point scan: ~30 ms at start
            migrations().apply(Database(conn, execute_plugins=False))
    except DB_ERRORS as exc:
        raise mapped(exc, path) from None
    return db


def check_schema(db: Database, path: Path) -> set[str]:
    """Refuse a database written by a newer version of the app or by another program; the
    names of the migrations applied to it."""
    tables = set(db.table_names())
    known = set(migration_names())
    if "_sqlite_migrations" in tables:
        applied = {
            r["name"]
            for r in db.query(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
            )
        }
        newer = applied - known
        if newer:
            raise StorageError(
                f"The database {path} was written by a newer version of this app "
                f"({', '.join(sorted(newer))}). Install the newer version to open it."
            )
        if applied:
            return applied
    if tables - {"_sqlite_migrations"}:
        raise DatabaseCorrupt(
            f"{path} is an SQLite database, but not one of this app. Choose the right file with "
            "--db."
        )
    return set()


class WriterLock:
    """One writing copy of the app per database: an exclusive lock on a small side file.

    SQLite's own file lock is used, so it works on every platform and is released by the
    operating system if the app crashes.
    """

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._conn: sqlite3.Connection | None = None

    def acquire(self) -> bool:
        """True if this copy is now the writer; False if another copy holds the lock.

        Raises DatabaseReadOnly when the lock file cannot be created (a read-only location).
        """
        conn: sqlite3.Connection | None = None
        try:
            private.create_empty_if_missing(self.path)
            conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
            conn.execute("PRAGMA journal_mode = MEMORY")  # no journal file beside the lock
        except DB_OR_OS_ERRORS as exc:
            if conn is not None:
                conn.close()  # another copy holds the lock: never leak the connection
            if getattr(exc, "sqlite_errorname", "").startswith("SQLITE_BUSY"):
                return False
            raise DatabaseReadOnly(
                f"The folder of {self.path.with_suffix('')} cannot be written: changes cannot be "
                "saved. Check the folder's permissions, or use --db to choose a writable place."
            ) from None
        try:
            conn.execute("BEGIN EXCLUSIVE")
        except DB_ERRORS:
            conn.close()
            return False
        self._conn = conn
        return True

    def release(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
