"""Backups with the online backup API, rotation, and a restore that checks before it replaces."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.errors import StorageError
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient
from desktop_app.storage.backup import backups, restore_database, rotate_backups, startup_backup
from desktop_app.storage.errors import DatabaseCorrupt, DatabaseLocked
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit, signer, table_contents


def test_backup_then_restore_gives_back_identical_data(
    repo: Repository, patient: Patient, db_path: Path, kb: KnowledgeBase, tmp_path: Path
) -> None:
    signed = filled_visit(repo, patient.id)
    draft = filled_visit(repo, patient.id, sign=False)
    repo.amend_visit(signed.id, "Also tender on the right.", "Omitted", by=signer(repo))
    backup = repo.backup_to(tmp_path / "backup.sqlite3")
    contents = table_contents(db_path)
    trail = repo.audit_trail()
    assert trail[-1].action == "backup"  # written once the copy exists: not in the copy itself
    trail = trail[:-1]

    repo.save_answer(draft.id, "age", 30)
    repo.create_patient("Later Patient", patient.date_of_birth, "male")
    repo.close()
    aside = restore_database(backup, db_path)

    assert table_contents(db_path) == contents
    assert aside is not None and len(table_contents(aside)["patients"]) == 2
    with Repository.open(db_path, kb) as restored:
        assert restored.get_visit(signed.id) == signed
        assert restored.audit_trail()[: len(trail)] == trail
        assert restored.audit_trail()[-1].action == "restore"
        assert restored.verify() == []


def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    repo: Repository, patient: Patient, db_path: Path, tmp_path: Path
) -> None:
    for n in range(200):
        repo.create_patient(f"Filler {n}", patient.date_of_birth, "other")
    repo.close()
    good = table_contents(db_path)
    backup = tmp_path / "backup.sqlite3"
    conn = sqlite3.connect(db_path)
    conn.execute(f"VACUUM INTO '{backup}'")
    conn.close()
    data = bytearray(backup.read_bytes())
    data[2 * 4096 + 50 : 4 * 4096] = b"\x00\xff" * ((2 * 4096 - 50) // 2)
    backup.write_bytes(bytes(data))
    with pytest.raises(DatabaseCorrupt, match="Nothing was restored"):
        restore_database(backup, db_path)
    assert table_contents(db_path) == good
    assert list(tmp_path.glob("**/*.replaced-*")) == []


def test_restore_refuses_the_database_itself(repo: Repository, db_path: Path) -> None:
    repo.close()
    before = table_contents(db_path)
    with pytest.raises(StorageError, match="the database itself"):
        restore_database(db_path, db_path)
    assert table_contents(db_path) == before


def test_restore_refuses_while_the_app_runs(
    repo: Repository, db_path: Path, tmp_path: Path
) -> None:
    backup = repo.backup_to(tmp_path / "backup.sqlite3")
    with pytest.raises(DatabaseLocked, match="Close the app"):
        restore_database(backup, db_path)


@pytest.mark.sqlite_only  # rotating file copies; a server is backed up with pg_dump
def test_startup_backups_rotate(repo: Repository, patient: Patient, tmp_path: Path) -> None:
    folder = tmp_path / "rotating"
    made = [startup_backup(repo, keep=3, backup_dir=folder) for _ in range(5)]
    kept = backups(repo.path, folder)
    assert kept == made[-3:]
    assert all(len(table_contents(path)["patients"]) == 1 for path in kept)
    assert startup_backup(repo, keep=3).parent == repo.path.parent / "backups"


@pytest.mark.sqlite_only
def test_rotate_backups_from_a_closed_database(
    repo: Repository, patient: Patient, tmp_path: Path
) -> None:
    repo.close()
    first = rotate_backups(repo.path, tmp_path / "b", keep=1)
    second = rotate_backups(repo.path, tmp_path / "b", keep=1)
    assert backups(repo.path, tmp_path / "b") == [second] and not first.exists()
