"""Environmental failures give a typed error naming the file and what to do, and lose nothing."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.errors import StorageError
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient
from desktop_app.storage.errors import (
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseReadOnly,
    DiskFull,
    storage_error,
)
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit, table_contents


def test_a_file_that_is_not_a_database(tmp_path: Path, kb: KnowledgeBase) -> None:
    path = tmp_path / "visits.sqlite3"
    path.write_bytes(b"Patient list exported from a spreadsheet\n" * 200)
    before = path.read_bytes()
    with pytest.raises(DatabaseCorrupt, match="not a database of this app") as caught:
        Repository.open(path, kb)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before


def test_a_damaged_database(db_path: Path, kb: KnowledgeBase, repo: Repository) -> None:
    for n in range(300):
        repo.create_patient(f"Patient {n}", dt.date(1975, 6, 1), "unknown")
    repo.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    repo.close()
    data = bytearray(db_path.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    data[3 * page + 100 : 5 * page] = b"\xff" * (2 * page - 100)  # wreck two b-tree pages
    db_path.write_bytes(bytes(data))
    with pytest.raises(DatabaseCorrupt, match="damaged") as caught:
        Repository.open(db_path, kb)
    assert str(db_path) in str(caught.value) and "restore" in str(caught.value)
    assert db_path.read_bytes() == bytes(data)


def test_a_database_from_another_program(tmp_path: Path, kb: KnowledgeBase) -> None:
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseCorrupt, match="not one of this app"):
        Repository.open(path, kb)


def test_a_missing_database_opened_read_only(tmp_path: Path, kb: KnowledgeBase) -> None:
    path = tmp_path / "nowhere" / "visits.sqlite3"
    with pytest.raises(DatabaseMissing, match="There is no database") as caught:
        Repository.open(path, kb, read_only=True)
    assert str(path) in str(caught.value)
    assert not path.parent.exists()


def test_a_busy_database_fails_fast_and_keeps_the_data(
    repo: Repository, patient: Patient, db_path: Path
) -> None:
    visit = filled_visit(repo, patient.id, sign=False)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        # The window never freezes for long: SQLite waits at most the configured busy timeout
        # (checked as configured, not timed, so a loaded machine cannot make this flaky).
        busy_ms = repo.db.conn.execute("PRAGMA busy_timeout").fetchone()[0]
        assert 0 < busy_ms <= 1000
        with pytest.raises(DatabaseLocked, match="busy in another program") as caught:
            repo.save_answer(visit.id, "age", 40)
        assert str(db_path) in str(caught.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert repo.get_visit(visit.id).observations.answers["age"] == 72
    repo.save_answer(visit.id, "age", 40)
    assert repo.get_visit(visit.id).observations.answers["age"] == 40


def test_a_full_disk(repo: Repository, patient: Patient, db_path: Path) -> None:
    visit = filled_visit(repo, patient.id, sign=False)
    before = table_contents(db_path)
    pages = repo.db.execute("PRAGMA page_count").fetchone()[0]
    repo.db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFull, match=r"disk holding .* is full") as caught:
        repo.save_plan(visit.id, "A long plan. " * 1500)
    assert str(db_path) in str(caught.value)
    assert table_contents(db_path) == before
    repo.db.execute("PRAGMA max_page_count = 1073741823")
    repo.save_plan(visit.id, "Short plan.")
    assert repo.verify() == []


def test_opened_read_only_refuses_writes(
    db_path: Path, kb: KnowledgeBase, repo: Repository, patient: Patient
) -> None:
    repo.close()
    reader = Repository.open(db_path, kb, read_only=True)
    try:
        assert reader.read_only and reader.read_only_reason
        assert reader.get_patient(patient.id) == patient
        with pytest.raises(DatabaseReadOnly):
            reader.create_patient("New Person", dt.date(1975, 6, 1), "male")
    finally:
        reader.close()


def test_sqlite_read_only_error_is_mapped(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("INSERT INTO t VALUES (1)")
    conn.close()
    error = storage_error(caught.value, path)
    assert isinstance(error, DatabaseReadOnly) and str(path) in str(error)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_a_read_only_folder(tmp_path: Path, kb: KnowledgeBase) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(DatabaseReadOnly, match="read-only"):
            Repository.open(folder / "visits.sqlite3", kb)
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux procfs")
def test_a_read_only_location_even_for_root(kb: KnowledgeBase) -> None:
    path = Path("/proc/self/visits.sqlite3")  # procfs accepts no new files, whoever asks
    with pytest.raises(DatabaseReadOnly, match="cannot be written") as caught:
        Repository.open(path, kb)
    assert str(path) in str(caught.value)


def test_a_second_copy_of_the_app_opens_read_only(db_path: Path, repo: Repository) -> None:
    script = (
        "import sys; from pathlib import Path\n"
        "from tests.core.tiny_kb import tiny_kb\n"
        "from desktop_app.storage.repository import Repository\n"
        "r = Repository.open(Path(sys.argv[1]), tiny_kb(Path(sys.argv[2])))\n"
        "print(r.read_only, r.read_only_reason)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(db_path), str(db_path.parent / "kb")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True Another copy of the app is using")
    assert not repo.read_only


def test_the_writer_lock_is_released_on_close(db_path: Path, kb: KnowledgeBase) -> None:
    first = Repository.open(db_path, kb)
    second = Repository.open(db_path, kb)
    assert not first.read_only and second.read_only
    with pytest.raises(DatabaseReadOnly, match="Another copy"):
        second.create_patient("Someone", dt.date(1975, 6, 1), "female")
    second.close()
    first.close()
    third = Repository.open(db_path, kb)
    assert not third.read_only
    third.close()


def test_every_error_is_a_storage_error() -> None:
    for cls in (DatabaseCorrupt, DatabaseLocked, DatabaseMissing, DatabaseReadOnly, DiskFull):
        assert issubclass(cls, StorageError)
