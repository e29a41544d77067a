"""A backup to another disk works when the database's own disk is full."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.records import Patient
from desktop_app.storage.errors import DiskFull
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit, table_contents


@pytest.mark.sqlite_only  # the full disk is SQLite's page limit
def test_a_backup_elsewhere_is_written_when_the_database_disk_is_full(
    repo: Repository,
    patient: Patient,
    db_path: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    visit = filled_visit(repo, patient.id, sign=False)
    pages = repo.db.execute("PRAGMA page_count").fetchone()[0]
    repo.db.execute(f"PRAGMA max_page_count = {pages}")
    for n in range(200):  # fill the last free space: the disk under the database is full
        try:
            repo.save_plan(visit.id, f"Plan {n}. " + "x" * 3000)
        except DiskFull:
            break
    else:
        pytest.fail("the database never filled up")
    wanted = table_contents(db_path)
    entries = len(repo.audit_trail())
    with caplog.at_level(logging.WARNING):
        dest = repo.backup_to(tmp_path / "usb" / "visits-backup.sqlite3")
    conn = sqlite3.connect(f"file:{dest}?mode=ro", uri=True)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert table_contents(dest) == wanted
    trail = repo.audit_trail()
    if len(trail) == entries:  # the entry did not fit: the backup counts, and the log says so
        assert "backup written but not audited" in caplog.text
    else:
        assert trail[-1].action == "backup"
    assert not list(dest.parent.glob("*.partial"))


@pytest.mark.sqlite_only
def test_after_a_full_disk_the_next_save_is_not_a_false_conflict(
    repo: Repository, patient: Patient
) -> None:
    """The refused save was rolled back, and so is the version this copy thought it wrote."""
    visit = filled_visit(repo, patient.id, sign=False)
    pages = repo.db.execute("PRAGMA page_count").fetchone()[0]
    repo.db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFull):
        for n in range(200):
            repo.save_plan(visit.id, f"Plan {n}. " + "x" * 3000)
    repo.db.execute("PRAGMA max_page_count = 1073741823")  # space freed
    repo.save_plan(visit.id, "After the disk was freed.")
    assert repo.get_visit(visit.id).plan == "After the disk was freed."
    assert repo.verify() == []
