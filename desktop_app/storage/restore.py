"""An atomic restore: the backup is copied and checked beside the database, then renamed over it.

The steps, each safe to be killed after:

1. the backup is copied (SQLite's backup API) to a temporary file beside the database, brought up
   to date, audited and checked; a kill leaves only that temporary file, removed at the next open;
2. a small journal (``visits.sqlite3.restoring``) names the temporary file and where the replaced
   database goes; from here on the restore is finished at the next open, never undone;
3. the replaced database is hard-linked to its kept name (``visits.replaced-<time>.sqlite3``) and
   its write-ahead log moved beside it;
4. the temporary file is renamed over the database (``os.replace``: atomic), the journal removed.

At every moment the database path holds either the old database or the restored one, never an
empty or half-copied file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.core.errors import StorageError
from desktop_app.storage import anchor, encryption, private
from desktop_app.storage.database import connect, mapped, migrations
from desktop_app.storage.encryption import DB_ERRORS, DB_OR_OS_ERRORS, DB_OR_STORAGE_ERRORS

if TYPE_CHECKING:  # sqlite-utils (click, dateutil, pluggy) stays off the start path
    from sqlite_utils import Database

log = logging.getLogger(__name__)
SUFFIX = ".sqlite3"
RESTORING = ".restoring"  # the journal's suffix, after the database's full name
TEMP_MARK = ".restore-"  # temporary copies: .<name>.restore-<time>.tmp
COPY_PAGES = 256  # pages copied per step of the backup API (a kill test copies one at a time)
# Tests set this to stop a restore at a named step (a SIGKILL test needs no sleeps): never in use.
step_hook: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if step_hook is not None:
        step_hook(name)


def stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def journal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + RESTORING)


def kept_name(db_path: Path) -> Path:
    """Where the database replaced by a restore is kept."""
    return db_path.with_name(f"{db_path.stem}.replaced-{stamp()}{SUFFIX}")


def copy_in(
    src: Path, temp: Path, db_path: Path, audit_restore: Callable[[Database], None]
) -> None:
    """Copy src into a new file temp, migrate it, append the restore entry; temp is complete.

    The copy is encrypted when the backup is (with its key) and when the database it replaces is
    (with that database's key, given for it): a backup made before encryption never makes the
    records plain again.
    """
    private.create_file(temp)
    source, target = _open_copy(src, temp, db_path)
    try:

        def progress(_status: int, _remaining: int, _total: int) -> None:
            _step("copy page")

        if source is not None:
            source.backup(target, pages=COPY_PAGES, progress=progress)
        target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file until renamed
        from sqlite_utils import Database  # not on the start path (click, dateutil…)

        db = Database(target, execute_plugins=False)
        migrations().apply(db)  # an older backup is brought up to date
        audit_restore(db)
        target.execute("PRAGMA journal_mode = WAL")
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise StorageError(
                f"The copy of {src} failed its check ({check}). Nothing was restored."
            )
    except DB_ERRORS as exc:
        raise mapped(exc, temp) from None
    finally:
        if source is not None:
            source.close()
        target.close()
    _fsync(temp)


def _open_copy(src: Path, temp: Path, db_path: Path) -> tuple[Any | None, Any]:
    """The backup's connection and the copy's; the copy already filled (and no backup
    connection) when a plain backup is encrypted on its way in."""
    source = connect(src, read_only=True)
    try:
        secret = key_for(db_path, src, source)
        if secret is None or getattr(source, "gluteal_secret", None) is not None:
            return source, encryption.connect_like(source, temp)
    except DB_ERRORS as exc:
        source.close()
        raise mapped(exc, temp) from None
    except BaseException:
        source.close()
        raise
    source.close()
    _step("copy page")
    try:  # through SQLCipher: no page of the plain backup is written to disk in plain text
        return None, encryption.connect_encrypted_copy(src, temp, secret)
    except DB_ERRORS as exc:
        raise mapped(exc, temp) from None


def key_for(db_path: Path, src: Path, backup: Any) -> str | None:
    """The passphrase the restored copy is encrypted with (None: a plain copy).

    An encrypted backup keeps its own key (the passphrase that opened it). A plain backup over an
    encrypted database gets that database's key, which must be given and must open it.
    """
    own: str | None = getattr(backup, "gluteal_secret", None)
    if own is not None or not encryption.is_encrypted(db_path):
        return own
    secret = encryption.passphrase_for(db_path)
    how = (
        "Give its passphrase (GLUTEAL_ASSESS_PASSPHRASE for commands; the window asks at start) "
        "so the restored records are encrypted with the same key"
    )
    if not secret:
        raise encryption.PassphraseNeeded(
            f"The database {db_path} is encrypted and the backup {src} is not. "
            f"{how}. Nothing was restored."
        )
    try:
        encryption.check(db_path, secret)
    except DB_OR_STORAGE_ERRORS:
        raise encryption.PassphraseNeeded(
            f"The passphrase given does not open the encrypted database {db_path}, so the plain "
            f"backup cannot be encrypted with its key. {how}. If {db_path} is damaged beyond "
            "opening, move it to another folder (keep it) and restore again: the backup is then "
            "restored as it is, plain; encrypt it with encrypt-copy. Nothing was restored."
        ) from None
    return secret


def swap_in(temp: Path, db_path: Path) -> Path | None:
    """Steps 2-4: journal, keep the old database, rename the copy over it. Returns the kept file."""
    kept = kept_name(db_path) if db_path.exists() else None
    journal = journal_path(db_path)
    private.write_file(
        journal, json.dumps({"temp": temp.name, "kept": kept.name if kept else None}).encode()
    )
    _fsync_dir(db_path.parent)
    _step("journal written")
    finish(db_path)
    return kept


def finish(db_path: Path) -> Path | None:
    """Finish a restore whose journal exists (a kill during steps 3-4); the kept file or None."""
    journal = journal_path(db_path)
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
        temp = db_path.with_name(str(plan["temp"]))
        kept = db_path.with_name(str(plan["kept"])) if plan.get("kept") else None
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StorageError(
            f"An interrupted restore left {journal}, but it cannot be read ({exc}). The database "
            f"{db_path} was not changed by it; remove that file, then restore again."
        ) from None
    try:
        if temp.exists():
            if kept is not None and db_path.exists() and not kept.exists():
                _keep(db_path, kept)
            _step("old database kept")
            wal = Path(f"{db_path}-wal")
            if kept is not None and wal.exists():
                os.replace(wal, f"{kept}-wal")
            Path(f"{db_path}-shm").unlink(missing_ok=True)
            _step("log moved")
            os.replace(temp, db_path)
            _fsync_dir(db_path.parent)
            _step("renamed")
        anchor.reset(db_path)  # the restored log's head is the one to check from now on
        _step("anchored")
        journal.unlink(missing_ok=True)
    except DB_OR_OS_ERRORS as exc:
        raise StorageError(
            f"The restore into {db_path} could not be finished ({getattr(exc, 'strerror', exc)}). "
            "Nothing is lost: "
            "it is finished at the next start; check the folder's permissions."
        ) from None
    return kept


def _keep(db_path: Path, kept: Path) -> None:
    """Give the old database its kept name without a moment when db_path is missing."""
    try:
        os.link(db_path, kept)
    except OSError:  # no hard links on this file system: a copy, then the rename replaces it
        private.create_file(kept)
        with db_path.open("rb") as src, kept.open("r+b") as dest:
            while chunk := src.read(1 << 20):
                dest.write(chunk)
            dest.flush()
            os.fsync(dest.fileno())


def recover(db_path: Path) -> Path | None:
    """At open, with the writer lock held: finish an interrupted restore, drop stale copies.

    Returns the kept database when a restore was finished now (the caller may say so).
    """
    kept = finish(db_path)
    if kept is not None:
        log.warning("an interrupted restore was finished; the replaced database was kept")
    for stale in db_path.parent.glob(f".{db_path.name}{TEMP_MARK}*"):
        if not journal_path(db_path).exists():
            with contextlib.suppress(OSError):
                stale.unlink()
                log.info("removed an unfinished restore copy")
    return kept


def temp_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}{TEMP_MARK}{stamp()}.tmp")


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name == "posix":
        _fsync(folder)
