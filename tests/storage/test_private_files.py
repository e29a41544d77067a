"""Files only their owner can read (0600 in 0700 folders), whatever the umask, and the writer
lock that does not leak its connection."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app import paths
from desktop_app.core.knowledge_base import KnowledgeBase
from desktop_app.storage.backup import default_backup_dir, restore_database, rotate_backups
from desktop_app.storage.database import WriterLock
from desktop_app.storage.private import mode
from desktop_app.storage.repository import Repository

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture(autouse=True)
def _permissive_umask() -> Iterator[None]:
    """The usual 022: without the app's own care every file would be world-readable."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_database_log_files_and_folder_are_private(db_path: Path, kb: KnowledgeBase) -> None:
    with Repository.open(db_path, kb) as repo:
        repo.create_patient("Private Person", dt.date(1970, 1, 1), "female")
        files = [db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"), repo._lock.path]
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    assert mode(db_path.parent) == 0o700


def test_an_existing_world_readable_database_is_tightened(db_path: Path, kb: KnowledgeBase) -> None:
    Repository.open(db_path, kb).close()
    os.chmod(db_path, 0o644)
    with Repository.open(db_path, kb):
        assert mode(db_path) == 0o600


def test_backups_restores_and_kept_files_are_private(
    db_path: Path, kb: KnowledgeBase, tmp_path: Path
) -> None:
    with Repository.open(db_path, kb) as repo:
        repo.create_patient("Private Person", dt.date(1970, 1, 1), "female")
        manual = repo.backup_to(tmp_path / "usb" / "copy.sqlite3")
    rotating = rotate_backups(db_path, default_backup_dir(db_path), keep=2)
    assert rotating is not None
    kept = restore_database(manual, db_path)
    assert kept is not None
    for path in (manual, rotating, kept, db_path):
        assert mode(path) == 0o600, path
    for folder in (manual.parent, rotating.parent):
        assert mode(folder) == 0o700, folder


def test_logs_are_private() -> None:
    from desktop_app.app import setup_logging

    root = logging.getLogger()
    before = list(root.handlers)
    setup_logging()
    try:
        logging.getLogger("test").info("a line")
    finally:
        for handler in root.handlers[len(before) :]:
            handler.close()
            root.removeHandler(handler)
    log = paths.log_dir() / "app.log"
    assert mode(log) == 0o600 and mode(log.parent) == 0o700 and mode(paths.user_data_dir()) == 0o700


_opened: list[sqlite3.Connection] = []


def _track(event: str, args: tuple[object, ...]) -> None:
    if event == "sqlite3.connect/handle" and _tracking:
        _opened.append(args[0])  # type: ignore[arg-type]


_tracking = False
sys.addaudithook(_track)


def test_a_refused_writer_lock_closes_its_connection(db_path: Path, kb: KnowledgeBase) -> None:
    global _tracking
    with Repository.open(db_path, kb):  # holds the lock
        second = WriterLock(db_path)
        _tracking = True
        try:
            assert second.acquire() is False
        finally:
            _tracking = False
    assert _opened, "the lock attempt opened no connection"
    for conn in _opened:
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            conn.execute("SELECT 1")
    _opened.clear()
