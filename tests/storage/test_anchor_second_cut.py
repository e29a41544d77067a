"""A second power cut soon after the app recorded the loss of the first, and a loss on a full disk.

The anchor file is overwritten in place without an fsync (storage/anchor.py), so a power cut may
leave any version the disk last wrote back, including one from before a recovery: its pending head
names entries the first cut took, whose sequence numbers the recovered log has used again (the
"lost" entry first). A loss recorded in the log, by a keyed entry, is no tamper alarm and is not
said twice. A loss the disk has no room to record keeps the file read-only, so no later write can
overwrite the evidence before it is recorded.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage import anchor
from desktop_app.storage import store as store_module
from desktop_app.storage.autosave import sync_wal
from desktop_app.storage.database import connect as real_connect
from desktop_app.storage.repository import Repository
from tests.storage.test_anchor_power_cut import (
    audit_room,
    autosave,
    editing,  # noqa: F401  (the fixture)
    head_of,
    power_cut,
    snapshot,
)


def lost_entries(db_path: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT id, detail FROM audit_log WHERE action = 'lost'").fetchall()
        return [(int(r[0]), str(r[1])) for r in rows]
    finally:
        conn.close()


def put_back(anchor_bytes: bytes, db_path: Path) -> None:
    """The disk kept an older version of the anchor file (its newer writes never went out)."""
    anchor.anchor_file(db_path).write_bytes(anchor_bytes)
    anchor._known.clear()  # as in a new process


def cut_losing(
    repo: Repository, visit_id: int, db_path: Path, disk: Path, count: int
) -> tuple[int, bytes]:
    """Autosaves the disk confirmed, then `count` it had not when the power went: the durable
    head's sequence and the anchor as the disk held it at the cut (naming them as pending)."""
    sync_wal(autosave(repo, visit_id, "fever", "no"))
    durable = head_of(db_path)[0]
    snapshot(db_path, disk)
    for n in range(count):
        autosave(repo, visit_id, "age", 40 + n)
    stale = anchor.anchor_file(db_path).read_bytes()
    assert anchor.read(db_path).pending.seq == durable + count  # type: ignore[union-attr]
    power_cut(repo, db_path, disk)
    return durable, stale


@pytest.mark.parametrize("count", [1, 3])
def test_an_anchor_from_before_the_recovery_is_no_alarm_once_the_log_moved_past_it(
    editing: tuple[Repository, int],  # noqa: F811
    db_path: Path,
    kb: KnowledgeBase,
    tmp_path: Path,
    count: int,
) -> None:
    repo, visit_id = editing
    durable, stale = cut_losing(repo, visit_id, db_path, tmp_path / "disk", count)
    with Repository.open(db_path, kb) as reopened:  # the loss is recorded at durable + 1
        assert f"{count} audited change" in reopened.lost_on_disk
        for n in range(count + 2):  # work goes on past the lost sequence numbers
            reopened.save_answer(visit_id, "sitting", "yes" if n % 2 else "no")
        last = head_of(db_path)[0]
    assert last > durable + count
    put_back(stale, db_path)  # the second cut: the anchor's newer versions never reached the disk

    with Repository.open(db_path, kb) as again:
        assert not again.read_only, again.read_only_reason
        assert again.lost_on_disk == ""  # recorded once already
        report = again.verify_report()
    assert report.problems == []
    assert [seq for seq, _ in lost_entries(db_path)] == [durable + 1]


def test_an_anchor_from_before_the_recovery_does_not_report_the_loss_twice(
    editing: tuple[Repository, int],  # noqa: F811
    db_path: Path,
    kb: KnowledgeBase,
    tmp_path: Path,
) -> None:
    repo, visit_id = editing
    durable, stale = cut_losing(repo, visit_id, db_path, tmp_path / "disk", 3)
    with Repository.open(db_path, kb) as reopened:
        assert "3 audited changes" in reopened.lost_on_disk
    put_back(stale, db_path)  # the log now ends at the "lost" entry, before the stale pending head
    with Repository.open(db_path, kb) as again:
        assert not again.read_only, again.read_only_reason
        assert again.lost_on_disk == ""
    assert [seq for seq, _ in lost_entries(db_path)] == [durable + 1]


def test_a_forged_lost_entry_does_not_hide_a_rewritten_log(
    editing: tuple[Repository, int],  # noqa: F811
    db_path: Path,
    kb: KnowledgeBase,
    tmp_path: Path,
) -> None:
    """Only a keyed entry, linked to the one before it, says a loss was recorded: one written
    without the audit key leaves the alarm standing."""
    repo, visit_id = editing
    durable, stale = cut_losing(repo, visit_id, db_path, tmp_path / "disk", 1)
    with Repository.open(db_path, kb) as reopened:
        reopened.save_answer(visit_id, "sitting", "yes")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute(
        "UPDATE audit_log SET action = 'lost', entity = 'audit_log', detail = ? WHERE id = ?",
        [f"entries {durable + 2}-{durable + 9}: forged", durable + 2],
    )
    conn.execute(  # and the real one made to look like an ordinary entry
        "UPDATE audit_log SET action = 'update' WHERE id = ?", [durable + 1]
    )
    conn.close()
    put_back(stale, db_path)
    with Repository.open(db_path, kb) as again:
        assert again.read_only and "the log was rewritten" in again.read_only_reason


def test_a_partial_loss_on_a_full_disk_opens_read_only_until_it_is_recorded(
    editing: tuple[Repository, int],  # noqa: F811
    db_path: Path,
    kb: KnowledgeBase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The disk kept some of the unconfirmed autosaves, not all, and has no room for the "lost"
    entry: writing on would replace the anchor's pending head, the only record of the loss."""
    repo, visit_id = editing
    answer = "no"
    while audit_room(db_path) >= 500:  # the "lost" entry (its detail alone ~350 bytes) won't fit
        answer = "yes" if answer == "no" else "no"
        sync_wal(autosave(repo, visit_id, "fever", answer))
    autosave(repo, visit_id, "sitting", "yes")  # committed, not confirmed: the disk keeps it
    kept = head_of(db_path)
    snapshot(db_path, tmp_path / "disk")
    for value in (41, 42):
        autosave(repo, visit_id, "age", value)  # these two it does not keep
    pending = anchor.read(db_path).pending  # type: ignore[union-attr]
    power_cut(repo, db_path, tmp_path / "disk")

    def full_disk(path: Path, **kwargs: bool) -> sqlite3.Connection:
        conn = real_connect(path, **kwargs)  # a real connection, its file allowed no new page
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(store_module, "connect", full_disk)
    with Repository.open(db_path, kb) as reopened:
        assert reopened.read_only
        assert "2 audited changes" in reopened.read_only_reason
        assert "disk" in reopened.read_only_reason and "full" in reopened.read_only_reason
    assert head_of(db_path) == kept
    assert anchor.read(db_path).pending == pending  # type: ignore[union-attr]

    monkeypatch.setattr(store_module, "connect", real_connect)  # room on the disk again
    with Repository.open(db_path, kb) as again:
        assert not again.read_only, again.read_only_reason
        assert "2 audited changes" in again.lost_on_disk
    assert [seq for seq, _ in lost_entries(db_path)] == [kept[0] + 1]
    with Repository.open(db_path, kb, read_only=True) as seen:
        assert seen.verify_report().problems == []
