"""Files only their owner can read: the database, its logs, backups, copies and the audit key.

Files are created 0600 and folders 0700 whatever the umask (on Windows the modes are ignored and
the user profile's own permissions apply). SQLite gives its -wal and -shm files the mode of the
database file, so creating the database file here first covers them too.
"""

from __future__ import annotations

import contextlib
import logging.handlers
import os
from pathlib import Path
from typing import Any

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def make_dir(path: Path) -> Path:
    """Create a folder (and missing parents) readable only by its owner; an existing one is kept."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=FOLDER_MODE)
        with contextlib.suppress(OSError):
            os.chmod(folder, FOLDER_MODE)  # mkdir's mode is filtered by the umask
    return path


def create_file(path: Path) -> Path:
    """Create (or empty) a file readable only by its owner."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with contextlib.suppress(OSError):
            os.fchmod(fd, FILE_MODE)  # an existing file keeps its mode otherwise
    finally:
        os.close(fd)
    return path


def create_empty_if_missing(path: Path) -> None:
    """Make sure a file SQLite is about to create is private (no-op if it exists)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


def write_file(path: Path, data: bytes, *, durable: bool = True) -> Path:
    """Write a small private file atomically: a reader sees the old content or the new.

    `durable` waits for the disk (fsync); without it a power cut may leave the old content.
    """
    spare = path.with_name(f".{path.name}.tmp")
    fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with contextlib.suppress(OSError):
            os.fchmod(fd, FILE_MODE)
        os.write(fd, data)
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(spare, path)
    return path


def mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files (the current one and each rollover) are created 0600."""

    def _open(self) -> Any:
        create_empty_if_missing(Path(self.baseFilename))
        with contextlib.suppress(OSError):
            os.chmod(self.baseFilename, FILE_MODE)
        return super()._open()
