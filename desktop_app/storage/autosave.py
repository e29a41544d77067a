"""Autosave's commits without the wait for the disk on the caller's thread (issue 17).

An SQLite file is in WAL mode with `synchronous = FULL`: each commit waits for an fsync of the
write-ahead log, 60-80 ms on a busy disk, on the GUI thread for every click. Inside
`unsynced_commits` the commits of the edits are written to the log (`synchronous = NORMAL`) and
return without that wait; `sync_wal` is the same fsync, run by the caller later, off its thread,
before it says "saved":

- a killed or crashed app loses nothing committed: the operating system holds the written log;
- a full disk still fails the commit itself, on the caller's thread, as before (SQLITE_FULL);
- only a power cut between the commit and `sync_wal` can lose the edits made in between, and
  the user has not been told they were saved;
- the order of the edits is the order of their commits on the one connection; an fsync makes
  every commit before it durable.

Every other write (signing, acknowledging, creating) keeps `synchronous = FULL`, which syncs the
log with all the autosaves before it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop_app.storage import anchor
from desktop_app.storage.store import Store

# Write access: Windows flushes a file (`_commit`) only through a handle that may write.
_OPEN_FOR_SYNC = os.O_RDWR | getattr(os, "O_BINARY", 0)


@contextmanager
def unsynced_commits(store: Store) -> Iterator[str | None]:
    """Commits in the block do not wait for the disk; yields the log to `sync_wal` afterwards.

    Yields None where commits are durable as they return and nothing is to be synced: the
    clinic server, a read-only copy, or a block inside a longer transaction (it ends with a
    full commit).
    """
    if store.server is not None or store.read_only or store.db.conn.in_transaction:
        yield None
        return
    conn = store.db.conn
    store.durable_commits = False  # first: no commit is ever taken for durable that is not
    conn.execute("PRAGMA synchronous = NORMAL")
    try:
        yield f"{store.path}-wal"
    finally:
        conn.execute("PRAGMA synchronous = FULL")
        store.durable_commits = True  # once it is (the anchor asks it at every commit)


def sync_wal(wal: str, head: anchor.Head | None = None) -> None:
    """Return once every commit so far is on the disk; OSError when the disk refuses.

    No log file means the last connection checkpointed it into the database and synced that.
    Once the disk holds them, the audit anchor names these commits (storage/anchor.py: until
    then a power cut may take them, and that is no tampering); `head`: the database's head, when
    the caller read it (else the one this process committed, storage/anchor.syncing).
    """
    with anchor.syncing(Path(wal.removesuffix("-wal")), head):  # then the anchor names them
        try:
            fd = os.open(wal, _OPEN_FOR_SYNC)
        except FileNotFoundError:
            return
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
