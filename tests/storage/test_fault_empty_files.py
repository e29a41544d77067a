"""No empty impostors: a missing or 0-byte file where a database was is refused, never re-created;
start-up backups never rotate real data out; backups write their audit entry only once they exist
and never overwrite a device, a folder, the database or its backups."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.errors import StorageError
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient
from desktop_app.storage.backup import backups, default_backup_dir, rotate_backups
from desktop_app.storage.errors import DatabaseCorrupt, DatabaseMissing
from desktop_app.storage.outputs import UnsafeOutput, check_output
from desktop_app.storage.repository import Repository
from tests.storage.helpers import table_contents
from tests.storage.test_commands import run_command

posix_only = pytest.mark.skipif(os.name != "posix", reason="named pipes are POSIX")


def _with_patients(db_path: Path, kb: KnowledgeBase, n: int) -> None:
    with Repository.open(db_path, kb, create=True) as repo:
        for i in range(n):
            repo.create_patient(f"Patient {i}", dt.date(1970, 1, 1), "other")


def test_a_zero_byte_database_is_refused_and_names_the_latest_backup(
    db_path: Path, kb: KnowledgeBase
) -> None:
    _with_patients(db_path, kb, 3)
    latest = rotate_backups(db_path, default_backup_dir(db_path), keep=5)
    db_path.write_bytes(b"")  # a failed copy, a sync tool, a truncating editor
    with pytest.raises(DatabaseMissing, match="empty file") as caught:
        Repository.open(db_path, kb)
    assert f"{latest} (3 patients)" in str(caught.value) and "--create" in str(caught.value)
    assert db_path.stat().st_size == 0  # nothing was created over it
    with pytest.raises(DatabaseMissing, match="empty file"):
        Repository.open(db_path, kb, read_only=True)
    with Repository.open(db_path, kb, create=True) as fresh:  # the explicit "new database"
        assert fresh.patient_count() == 0


def test_a_missing_database_where_one_was_is_refused(db_path: Path, kb: KnowledgeBase) -> None:
    _with_patients(db_path, kb, 2)
    rotate_backups(db_path, default_backup_dir(db_path), keep=5)
    db_path.unlink()
    with pytest.raises(DatabaseMissing, match="one was there before"):
        Repository.open(db_path, kb)
    assert not db_path.exists()


def test_the_first_start_creates_the_database(db_path: Path, kb: KnowledgeBase) -> None:
    with Repository.open(db_path, kb) as repo:  # nothing was ever there: a new clinic
        assert repo.patient_count() == 0


@pytest.mark.parametrize(
    "command",
    [
        ["verify"],
        ["backup", "--out", "copy.sqlite3"],
        ["export-pdf", "--visit", "1", "--out", "x.pdf"],
    ],
)
@pytest.mark.parametrize("state", ["missing", "empty"])
def test_commands_never_create_a_database(tmp_path: Path, command: list[str], state: str) -> None:
    db = tmp_path / "typo" / "visits.sqlite3"
    if state == "empty":
        db.parent.mkdir()
        db.write_bytes(b"")
    result = run_command(tmp_path, "--db", str(db), *command)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "database" in result.stderr
    assert (db.exists() and db.stat().st_size == 0) if state == "empty" else not db.exists()
    assert not (tmp_path / "copy.sqlite3").exists()


def test_rotation_keeps_the_last_backup_richer_than_the_current_file(
    db_path: Path, kb: KnowledgeBase
) -> None:
    folder = default_backup_dir(db_path)
    _with_patients(db_path, kb, 5)
    rich = rotate_backups(db_path, folder, keep=2)
    db_path.unlink()
    _with_patients(db_path, kb, 1)  # someone started over with a new file (--create)
    made = [rotate_backups(db_path, folder, keep=2) for _ in range(4)]
    assert backups(db_path, folder) == [rich, *made[-2:]]
    assert len(table_contents(rich)["patients"]) == 5


def test_rotation_skips_an_empty_source(db_path: Path, kb: KnowledgeBase) -> None:
    folder = default_backup_dir(db_path)
    _with_patients(db_path, kb, 1)
    real = rotate_backups(db_path, folder, keep=1)
    with Repository.open(db_path, kb) as repo:
        repo.db.execute("DELETE FROM patients")  # as good as empty
    assert rotate_backups(db_path, folder, keep=1) is None
    assert backups(db_path, folder) == [real]


def test_damage_that_quick_check_misses_is_never_backed_up(
    db_path: Path, kb: KnowledgeBase
) -> None:
    folder = default_backup_dir(db_path)
    _with_patients(db_path, kb, 30)
    real = rotate_backups(db_path, folder, keep=1)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA writable_schema = ON")  # an index that no longer matches its table
    conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE INDEX patients_date_of_birth ON patients (name)' "
        "WHERE name = 'patients_date_of_birth'"
    )
    conn.commit()
    conn.close()
    check = sqlite3.connect(db_path)
    assert check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    check.close()
    with pytest.raises(DatabaseCorrupt, match="No backup was written"):
        rotate_backups(db_path, folder, keep=1)
    assert backups(db_path, folder) == [real]
    assert list(folder.glob("*.partial")) == []


def test_partial_copies_are_removed_at_the_next_start(db_path: Path, kb: KnowledgeBase) -> None:
    _with_patients(db_path, kb, 1)
    folder = default_backup_dir(db_path)
    folder.mkdir(exist_ok=True)
    partial = folder / "visits-20260101T000000000000Z.sqlite3.partial"
    partial.write_bytes(b"half a copy, with patient names in plain text")
    with Repository.open(db_path, kb):
        assert not partial.exists()


def test_a_failed_backup_is_not_audited(repo: Repository, patient: Patient, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder should be")
    with pytest.raises(StorageError, match=r"Cannot (use|write)"):
        repo.backup_to(blocker / "backup.sqlite3")
    assert [e.action for e in repo.audit_trail()] == ["create"]
    repo.backup_to(tmp_path / "backup.sqlite3")
    assert [e.action for e in repo.audit_trail()] == ["create", "backup"]


@posix_only
def test_out_refuses_what_it_must_not_overwrite(
    repo: Repository, patient: Patient, db_path: Path, tmp_path: Path
) -> None:
    rotating = rotate_backups(db_path, default_backup_dir(db_path), keep=3)
    assert rotating is not None
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("an older copy")
    # A pipe of our own stands for a device: a test must never risk replacing /dev/null itself.
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    refused = {
        pipe: "not an ordinary file",
        tmp_path: "is a folder",
        db_path: "the database or one of its backups",
        Path(f"{db_path}-wal"): "the database or one of its backups",
        rotating: "the database or one of its backups",
        existing: "--force",
    }
    for out, reason in refused.items():
        with pytest.raises(UnsafeOutput, match=reason):
            repo.backup_to(out)
    assert existing.read_text() == "an older copy"
    assert [e.action for e in repo.audit_trail()] == ["create"]
    repo.backup_to(existing, replace=True)
    assert len(table_contents(existing)["patients"]) == 1
    assert pipe.is_fifo()
    with pytest.raises(UnsafeOutput, match="is a folder"):
        check_output(tmp_path, db_path, force=True, what="PDF")
    with pytest.raises(UnsafeOutput, match="not an ordinary file"):
        check_output(Path(os.devnull), db_path, force=True)  # only looked at, never written


@posix_only
def test_backup_command_needs_force_to_replace(tmp_path: Path) -> None:
    db = tmp_path / "visits.sqlite3"
    assert run_command(tmp_path, "--db", str(db), "demo-data", "--patients", "2").returncode == 0
    out = tmp_path / "copy.sqlite3"
    out.write_text("keep me")
    refused = run_command(tmp_path, "--db", str(db), "backup", "--out", str(out))
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert out.read_text() == "keep me"
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    device = run_command(tmp_path, "--db", str(db), "backup", "--out", str(pipe), "--force")
    assert device.returncode == 2 and "not an ordinary file" in device.stderr
    assert pipe.is_fifo()
    done = run_command(tmp_path, "--db", str(db), "backup", "--out", str(out), "--force")
    assert done.returncode == 0, done.stderr
    assert len(table_contents(out)["patients"]) == 2
