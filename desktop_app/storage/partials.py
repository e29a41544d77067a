"""Unfinished backup copies: recorded before they are made, removed at the next start.

A backup is written to FILE.partial and renamed when checked. A copy killed part-way inside the
backups folder is found there by its name; one written anywhere else (`backup --out` on a USB
stick) would be a plaintext copy nothing points to, so each copy is first recorded in the user
data folder (`partials/`) and the next start removes it wherever it is. A record is held by a
lock while its backup runs, so a start never removes a copy another copy of the app is still
writing. A copy on a drive that is not plugged in stays recorded until it is.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterator
from pathlib import Path

from desktop_app.core.errors import StorageError
from desktop_app.storage import keys, private
from desktop_app.storage.database import WriterLock

log = logging.getLogger(__name__)
FOLDER = "partials"
SUFFIX = ".partial"


def _folder() -> Path:
    return private.make_dir(keys.data_dir() / FOLDER)


@contextlib.contextmanager
def recorded(partial: Path) -> Iterator[None]:
    """Within the block, `partial` is recorded (and locked) as a copy being written.

    A user data folder that cannot be written does not stop the backup: the copy is then only
    removed by the backup's own error handling (a kill leaves it, as before).
    """
    lock: WriterLock | None = None
    entry: Path | None = None
    try:
        entry = _folder() / f"{secrets.token_hex(8)}.txt"
        lock = WriterLock(entry)
        lock.acquire()  # a fresh name: nobody else holds it
        private.write_file(entry, str(Path(partial).absolute()).encode("utf-8"))
    except (OSError, StorageError) as exc:
        log.warning("unfinished backup copy not recorded: %s", exc)
        _forget(entry, lock)
        entry = lock = None
    try:
        yield
    finally:
        _forget(entry, lock)


def _forget(entry: Path | None, lock: WriterLock | None) -> None:
    if entry is not None:
        entry.unlink(missing_ok=True)
    if lock is not None:
        lock.release()
        lock.path.unlink(missing_ok=True)


def remove_recorded() -> int:
    """Remove the copies recorded by backups that did not finish; the number removed."""
    folder = keys.data_dir() / FOLDER
    removed = 0
    for entry in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        lock = WriterLock(entry)
        try:
            if not lock.acquire():
                continue  # a backup still running in another copy of the app
        except StorageError:
            return removed  # the folder cannot be written: nothing can be forgotten
        try:
            removed += _remove(entry)
        finally:
            lock.release()
        lock.path.unlink(missing_ok=True)
    return removed


def _remove(entry: Path) -> int:
    """Delete the copy an entry names (only ever a FILE.partial); forget it unless its drive is
    away."""
    try:
        partial = Path(entry.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        entry.unlink(missing_ok=True)
        return 0
    if not partial.parent.is_dir():
        return 0  # a drive that is not plugged in: try again at the next start
    found = partial.name.endswith(SUFFIX) and partial.is_file() and not partial.is_symlink()
    if found:
        try:
            partial.unlink()
        except OSError as exc:
            log.warning("an unfinished backup copy could not be removed: %s", exc.strerror)
            return 0
        log.info("removed an unfinished backup copy outside the backups folder")
    entry.unlink(missing_ok=True)
    return int(found)
