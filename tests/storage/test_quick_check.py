"""When the file is checked: at open by default; later on request, unless not closed cleanly."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.database import defer_quick_check, quick_check, unclean_shutdown
from desktop_app.storage.errors import DatabaseCorrupt
from desktop_app.storage.repository import Repository
from tests.damage import damage_database


def test_a_clean_file_opens_unchecked_when_deferred_and_quick_check_finds_the_damage(
    db_path: Path, kb: KnowledgeBase, repo: Repository
) -> None:
    damage_database(db_path, repo)
    assert not unclean_shutdown(db_path)
    with defer_quick_check():
        deferred = Repository.open(db_path, kb)
    try:
        with pytest.raises(DatabaseCorrupt, match="damaged") as caught:
            quick_check(db_path)  # a second, read-only connection beside the open one
        assert str(db_path) in str(caught.value)
    finally:
        deferred.close()
    with pytest.raises(DatabaseCorrupt, match="damaged"):  # outside the block: checked at once
        Repository.open(db_path, kb)


def test_a_file_left_with_its_log_is_checked_at_once_even_when_deferred(
    db_path: Path, kb: KnowledgeBase, repo: Repository
) -> None:
    damage_database(db_path, repo)
    Path(f"{db_path}-wal").write_bytes(b"\0" * 32)  # a killed writer's log, frames unfinished
    assert unclean_shutdown(db_path)
    with defer_quick_check(), pytest.raises(DatabaseCorrupt, match="damaged"):
        Repository.open(db_path, kb)


def test_an_open_writer_leaves_its_log_and_a_clean_close_removes_it(
    db_path: Path, repo: Repository
) -> None:
    repo.create_patient("Ada Byron", dt.date(1990, 1, 1), "female")
    assert unclean_shutdown(db_path)
    quick_check(db_path)  # sound: no error while the writer has the file open
    repo.close()
    assert not unclean_shutdown(db_path)


def test_an_empty_log_left_by_a_read_only_reader_is_not_an_unclean_shutdown(
    db_path: Path, kb: KnowledgeBase, repo: Repository
) -> None:
    """A read-only connection closing last leaves an empty -wal (SQLite may not delete it): the
    next open under defer_quick_check must not re-read the whole file for it."""
    damage_database(db_path, repo)  # damage only a quick_check finds: shows whether it ran
    reader = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
    reader.close()
    assert Path(f"{db_path}-wal").stat().st_size == 0
    assert not unclean_shutdown(db_path)
    with defer_quick_check():
        Repository.open(db_path, kb).close()  # not checked at open: deferred as for a clean file
    with pytest.raises(DatabaseCorrupt, match="damaged"):
        quick_check(db_path)
