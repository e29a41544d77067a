"""A power cut may take the autosaves the disk had not confirmed: never a tamper alarm for that.

Autosave commits do not wait for the disk (storage/autosave.py); the anchor names only the head
the disk confirmed (storage/anchor.py), and remembers the newer, unconfirmed one as pending. A
power cut is simulated with real files: the database's files are copied when the disk has
confirmed every commit, editing goes on (the anchor moves), the app stops without closing, and
the copy is put back, which is what the disk holds after the power cut.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient
from desktop_app.storage import anchor, audit, keys
from desktop_app.storage import store as store_module
from desktop_app.storage.autosave import sync_wal, unsynced_commits
from desktop_app.storage.database import connect as real_connect
from desktop_app.storage.repository import Repository

SUFFIXES = ("", "-wal")


def snapshot(db_path: Path, into: Path) -> None:
    """What the disk holds now: the database and its log (the -shm index is rebuilt at open)."""
    into.mkdir(exist_ok=True)
    for suffix in SUFFIXES:
        source = Path(f"{db_path}{suffix}")
        if source.exists():
            shutil.copy2(source, into / f"{db_path.name}{suffix}")


def power_cut(repo: Repository, db_path: Path, saved: Path) -> None:
    """The computer stops: the app never closes the file, the disk keeps only `saved`."""
    repo.db.conn.close()  # the process is gone: its connection and lock with it
    if repo._lock is not None:
        repo._lock.release()
        repo._lock = None
    for suffix in (*SUFFIXES, "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        copy = saved / f"{db_path.name}{suffix}"
        if copy.exists():
            shutil.copy2(copy, f"{db_path}{suffix}")


def autosave(repo: Repository, visit_id: int, prompt: str, value: object) -> str:
    """One edit as the window saves it: committed without waiting for the disk."""
    with unsynced_commits(repo) as wal:
        repo.save_answer(visit_id, prompt, value)
    assert wal is not None
    return wal


def head_of(db_path: Path) -> tuple[int, str]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        return int(row[0]), str(row[1])
    finally:
        conn.close()


def audit_room(db_path: Path) -> int:
    """Free bytes in the audit log's last page: an entry larger needs a new page of the file."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT unused FROM dbstat WHERE name = 'audit_log' AND pagetype = 'leaf' "
            "ORDER BY pageno DESC LIMIT 1"
        ).fetchone()
        return int(row[0])
    finally:
        conn.close()


@pytest.fixture
def editing(db_path: Path, kb: KnowledgeBase) -> tuple[Repository, int]:
    repo = Repository.open(db_path, kb)
    patient: Patient = repo.create_patient("Power Cut", dt.date(1970, 1, 1), "other")
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    return repo, visit.id


def test_a_power_cut_losing_unconfirmed_autosaves_is_no_tamper_alarm(
    editing: tuple[Repository, int], db_path: Path, kb: KnowledgeBase, tmp_path: Path
) -> None:
    repo, visit_id = editing
    sync_wal(autosave(repo, visit_id, "fever", "no"))  # the disk confirmed it: "✔ Saved"
    durable = head_of(db_path)
    snapshot(db_path, tmp_path / "disk")
    for prompt, value in (("sitting", "yes"), ("age", 41), ("drug", "steroid")):
        autosave(repo, visit_id, prompt, value)  # committed; the power cut comes before the sync
    assert anchor.read(db_path).pending is not None  # type: ignore[union-attr]
    power_cut(repo, db_path, tmp_path / "disk")
    assert head_of(db_path) == durable

    with Repository.open(db_path, kb, read_only=True) as seen:  # `verify`, before any write
        report = seen.verify_report()
    assert report.problems == []
    lost = [n for n in report.notes if "did not reach the disk" in n]
    assert len(lost) == 1 and "3 audited changes" in lost[0], report.notes

    with Repository.open(db_path, kb) as reopened:  # the window, at the next start
        assert not reopened.read_only, reopened.read_only_reason
        assert "3 audited changes" in reopened.lost_on_disk
        answers = reopened.get_visit(visit_id).observations.answers
        assert answers == {"fever": "no"}  # what the disk held, nothing invented
        reopened.save_answer(visit_id, "sitting", "no")  # writing goes on
        report = reopened.verify_report()
    assert report.problems == []
    assert any("records a power cut or crash that lost entries" in n for n in report.notes), (
        report.notes
    )
    with Repository.open(db_path, kb) as again:  # the loss is said once, then kept in the log
        assert not again.read_only and again.lost_on_disk == ""


def test_entries_the_disk_had_confirmed_deleted_still_alarm(
    editing: tuple[Repository, int], db_path: Path, kb: KnowledgeBase
) -> None:
    repo, visit_id = editing
    sync_wal(autosave(repo, visit_id, "fever", "no"))
    autosave(repo, visit_id, "sitting", "yes")  # pending: not yet confirmed
    last, _ = head_of(db_path)
    repo.close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id >= ?", [last - 1])  # one confirmed entry too
    conn.close()

    with Repository.open(db_path, kb, read_only=True) as seen:
        problems = seen.verify()
    assert any("the newest entries were removed" in p for p in problems), problems
    with Repository.open(db_path, kb) as reopened:
        assert reopened.read_only and "committed changes are missing" in reopened.read_only_reason


def test_a_closed_file_has_nothing_pending_so_any_cut_tail_alarms(
    editing: tuple[Repository, int], db_path: Path, kb: KnowledgeBase
) -> None:
    """The sync after each autosave confirms it, and closing confirms the rest: a tail cut from
    a closed file is always beyond what a power cut can lose."""
    repo, visit_id = editing
    sync_wal(autosave(repo, visit_id, "fever", "no"))
    assert anchor.read(db_path).pending is None  # type: ignore[union-attr]
    autosave(repo, visit_id, "sitting", "yes")  # the window quits before its sync ran
    repo.close()
    found = anchor.read(db_path)
    assert found is not None and found.pending is None and found.head.seq == head_of(db_path)[0]
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    conn.close()
    with Repository.open(db_path, kb, read_only=True) as seen:
        assert any("the newest entries were removed" in p for p in seen.verify())


def test_an_unconfirmed_entry_rewritten_alarms(
    editing: tuple[Repository, int], db_path: Path, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """A pending entry the database still holds must be the one committed (a rewrite with the
    audit key, which only the anchor can show)."""
    repo, visit_id = editing
    sync_wal(autosave(repo, visit_id, "fever", "no"))
    autosave(repo, visit_id, "sitting", "yes")
    last, _ = head_of(db_path)
    snapshot(db_path, tmp_path / "disk")  # the disk happened to hold the pending commit too
    power_cut(repo, db_path, tmp_path / "disk")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("DROP TRIGGER audit_log_no_update")
    row = dict(conn.execute("SELECT * FROM audit_log WHERE id = ?", [last]).fetchone())
    row["detail"] = "forged"  # re-hashed with the key: the chain alone cannot tell
    forged = audit.entry_hash(row["prev_hash"], row, keys.load(create=False))
    conn.execute("UPDATE audit_log SET detail = 'forged', hash = ? WHERE id = ?", [forged, last])
    conn.close()
    with Repository.open(db_path, kb, read_only=True) as seen:
        problems = seen.verify()
    assert any(f"entry {last} is not the one recorded" in p for p in problems), problems


def test_a_crash_that_kept_the_log_is_neither_alarm_nor_loss(
    editing: tuple[Repository, int], db_path: Path, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """The app killed (not the power): the operating system still writes what it was given."""
    repo, visit_id = editing
    autosave(repo, visit_id, "sitting", "yes")
    autosave(repo, visit_id, "age", 41)
    head = head_of(db_path)
    snapshot(db_path, tmp_path / "disk")  # everything the app handed to the operating system
    power_cut(repo, db_path, tmp_path / "disk")
    with Repository.open(db_path, kb) as reopened:
        assert not reopened.read_only and reopened.lost_on_disk == ""
        assert reopened.verify_report().notes == [] or all(
            "did not reach the disk" not in n for n in reopened.verify_report().notes
        )
    found = anchor.read(db_path)
    assert found is not None and found.head == anchor.Head(*head) and found.pending is None


def test_syncs_on_another_thread_never_anchor_an_unconfirmed_commit(
    editing: tuple[Repository, int], db_path: Path
) -> None:
    """The disk-sync worker confirms while the window commits: the anchor is never torn, names
    only heads that were committed, and after the last sync it is the database's head."""
    repo, visit_id = editing
    wal = f"{db_path}-wal"
    committed: list[tuple[int, str]] = []  # heads in commit order, each before its sync
    synced: list[int] = []  # how many commits each finished sync covered
    stop = threading.Event()
    anchored: list[anchor.Head] = []  # as each finished sync left it

    def worker() -> None:
        while not stop.is_set():
            covers = len(committed)
            sync_wal(wal)
            synced.append(covers)
            found = anchor.read(db_path)  # never torn while the other thread writes it
            anchored.append(found.head if found is not None else anchor.NO_HEAD)

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        for n in range(60):
            autosave(repo, visit_id, "age", n)
            committed.append(head_of(db_path))
    finally:
        stop.set()
        thread.join()
    sync_wal(wal)
    found = anchor.read(db_path)
    assert found is not None and found.pending is None
    assert (found.head.seq, found.head.hash) == committed[-1]
    assert len(synced) > 1  # the worker did sync while commits came
    heads = dict(committed)
    assert anchor.NO_HEAD not in anchored
    assert all(
        h.seq in heads and heads[h.seq] == h.hash for h in anchored if h.seq > committed[0][0]
    )


def test_a_loss_the_full_disk_would_not_let_be_recorded_is_no_alarm_later(
    editing: tuple[Repository, int],
    db_path: Path,
    kb: KnowledgeBase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a power cut on a full disk the "lost" entry cannot be written: the file opens
    read-only (a write would replace the anchor's pending head, which still names the lost
    entries), and nothing may confirm that head as on the disk (it is not)."""
    repo, visit_id = editing
    answer = "no"
    while audit_room(db_path) >= 500:  # the "lost" entry (its detail alone ~350 bytes) won't fit
        answer = "yes" if answer == "no" else "no"
        sync_wal(autosave(repo, visit_id, "fever", answer))
    durable = head_of(db_path)
    snapshot(db_path, tmp_path / "disk")
    for prompt, value in (("sitting", "yes"), ("age", 41)):
        autosave(repo, visit_id, prompt, value)
    power_cut(repo, db_path, tmp_path / "disk")

    def full_disk(path: Path, **kwargs: bool) -> sqlite3.Connection:
        conn = real_connect(path, **kwargs)  # a real connection, its file allowed no new page
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(store_module, "connect", full_disk)
    with Repository.open(db_path, kb) as reopened:  # the window, on the full disk
        assert reopened.read_only and "2 audited changes" in reopened.read_only_reason
        assert "Free space on the disk" in reopened.read_only_reason
        assert head_of(db_path) == durable  # the loss could not be recorded: the disk is full
    found = anchor.read(db_path)
    assert found is not None and found.head == anchor.Head(*durable), found

    monkeypatch.setattr(store_module, "connect", real_connect)  # room on the disk again
    with Repository.open(db_path, kb) as again:
        assert not again.read_only, again.read_only_reason
        assert "2 audited changes" in again.lost_on_disk  # said again, and now recorded
    with Repository.open(db_path, kb, read_only=True) as seen:
        report = seen.verify_report()
    assert report.problems == []
    assert any("records a power cut or crash that lost entries" in n for n in report.notes)
