"""The start-up backup at most once a day and only after a change; a quitting app stops it."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path

import pytest

from desktop_app.core.records import Patient
from desktop_app.storage.backup import backups, default_backup_dir, startup_backup
from desktop_app.storage.backup_due import not_due
from desktop_app.storage.repository import Repository

pytestmark = pytest.mark.sqlite_only  # rotating file copies; a server is backed up with pg_dump


def _age(path: Path, days: float) -> None:
    then = time.time() - days * 86_400
    os.utime(path, (then, then))


def test_a_backup_is_due_after_a_day_and_a_change(repo: Repository, patient: Patient) -> None:
    assert not_due(repo.path) == ""  # no backup yet
    first = startup_backup(repo, keep=3)
    assert first is not None
    assert not_due(repo.path) == "the last one is less than a day old"

    _age(first, 2)
    assert not_due(repo.path) == "nothing has changed since the last one"  # same audit head

    repo.create_patient("Later Patient", dt.date(1980, 4, 4), "male")  # an audited change
    assert not_due(repo.path) == ""
    second = startup_backup(repo, keep=3)
    assert second is not None and not_due(repo.path) != ""
    assert backups(repo.path, default_backup_dir(repo.path)) == [first, second]


def test_a_backup_folder_that_is_a_file_leaves_the_backup_due(
    repo: Repository, patient: Patient
) -> None:
    default_backup_dir(repo.path).write_text("not a folder")
    assert not_due(repo.path) == ""  # the backup runs and says why it fails


def test_a_stopped_start_up_backup_leaves_no_copy(repo: Repository, patient: Patient) -> None:
    stop = threading.Event()
    stop.set()  # the app is quitting
    with pytest.raises(Exception, match="interrupted"):
        startup_backup(repo, keep=3, stop=stop)
    folder = default_backup_dir(repo.path)
    assert backups(repo.path, folder) == []
    assert not folder.is_dir() or not any(p.name.endswith(".partial") for p in folder.iterdir())
    assert startup_backup(repo, keep=3) is not None  # the next start backs up as usual


def test_an_encrypted_file_it_cannot_read_leaves_the_backup_due(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLCipher's errors are not sqlite3.Error: one reading the head must not escape."""
    cipher = pytest.importorskip("sqlcipher3.dbapi2")
    from desktop_app.storage import encryption

    monkeypatch.setenv(encryption.ENV, "a passphrase")
    db = tmp_path / "visits.sqlite3"
    conn = cipher.connect(str(db))
    conn.execute("PRAGMA key = 'a passphrase'")
    conn.execute("CREATE TABLE other (x)")  # keyed, but no audit log: reading the head fails
    conn.commit()
    conn.close()
    folder = default_backup_dir(db)
    folder.mkdir()
    old = folder / f"{db.stem}-20240101-000000.sqlite3"
    old.write_bytes(b"")
    _age(old, 2)
    assert not_due(db) == ""  # the backup runs and says what is wrong
