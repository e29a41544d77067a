"""The audit chain's head kept outside the database, in the user data directory.

After every audited commit the head (sequence and hash of the newest entry) is written to a small
file of its own, MAC'd with the audit key. A database whose log ends before the anchored entry
lost committed writes (a deleted `-wal`, a truncated tail); one whose entry at that sequence has
another hash was rewritten. The anchor also remembers how far the last full `verify` got, so
`verify --incremental` can start there.

The anchored head is always one the disk has confirmed holding. An autosave's commit does not
wait for the disk (storage/autosave.py), and a power cut may take it, honestly; so its head is
kept as *pending* and becomes the anchored head only once the fsync that covers it returned
(`syncing`). A commit with `synchronous = FULL` is on the disk as it returns, with every commit
before it. So, after a power cut, a log that ends between the anchored head and the pending one
is what the disk kept: said plainly (`Finding.lost`), never a tamper alarm; a log that ends
before the anchored head, or differs from either head, is one. Writing the anchor after the
commit means a crash in between leaves it one commit behind (harmless), never ahead.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.errors import StorageError
from desktop_app.storage import keys, private, recorded_loss

if TYPE_CHECKING:  # not imported at run time: the anchor is read on the cold-start path
    from sqlite_utils import Database

log = logging.getLogger(__name__)
FOLDER = "anchors"
SIZE = 1024  # bytes: every anchor is padded to this, so an update overwrites it in place
_known: dict[Path, tuple[tuple[int, int], Anchor]] = {}  # path -> (mtime, size), last written
# The window's thread records commits while the disk-sync worker confirms them (`syncing`).
_lock = threading.RLock()
# The pending head this process last wrote for each database: one its own connection committed.
_recorded: dict[Path, Head] = {}


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


NO_HEAD = Head(0, "")  # no entry confirmed on the disk yet


@dataclass(frozen=True)
class Anchor:
    head: Head  # the newest entry the disk confirmed holding
    at: str  # when it was written (UTC, ISO)
    verified: Head | None = None  # the head the last full verify found intact
    pending: Head | None = None  # a newer entry, committed but not yet confirmed by the disk
    pending_at: str = ""  # when it was committed (UTC, ISO)


@dataclass(frozen=True)
class Finding:
    """A database's log compared with its anchor."""

    alarm: str = ""  # what the disk had confirmed is missing or different: tampering or damage
    lost: str = ""  # only entries the disk had not confirmed are missing: a power cut
    lost_entries: tuple[int, int] = (0, 0)  # the first and last of those entries


class AnchorAltered(Exception):
    """The anchor file exists but its MAC does not match: changed outside the app."""


def anchor_file(db_path: Path) -> Path:
    """Where the head of the database at db_path is kept (one small file per database path)."""
    return _file(keys.data_dir(), _resolved(str(db_path)))


@functools.lru_cache(maxsize=256)  # asked at every audited commit (an autosave's too)
def _file(data_dir: Path, database: str) -> Path:
    key = hashlib.sha256(database.encode("utf-8")).hexdigest()[:32]
    return data_dir / FOLDER / f"{key}.json"


@functools.lru_cache(maxsize=256)
def _resolved(db_path: str) -> str:
    return str(Path(db_path).resolve())


def _body(db_path: Path, anchor: Anchor) -> dict[str, object]:
    body: dict[str, object] = {
        "database": _resolved(str(db_path)),
        "seq": anchor.head.seq,
        "hash": anchor.head.hash,
        "at": anchor.at,
    }
    if anchor.verified is not None:
        body["verified"] = {"seq": anchor.verified.seq, "hash": anchor.verified.hash}
    if anchor.pending is not None:
        pending = anchor.pending
        body["pending"] = {"seq": pending.seq, "hash": pending.hash, "at": anchor.pending_at}
    return body


def _canonical(body: dict[str, object]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


def write(db_path: Path, anchor: Anchor) -> None:
    """Replace the anchor of db_path (atomically, 0600). Raises OSError if it cannot."""
    with _lock:
        _write(db_path, anchor)


def _write(
    db_path: Path, anchor: Anchor, path: Path | None = None, key: bytes | None = None
) -> None:
    path = path or anchor_file(db_path)
    key = key or keys.load(create=True, folder=path.parent.parent)
    assert key is not None
    text = _canonical(_body(db_path, anchor))  # the MAC'd text, then its MAC as the last field
    data = f'{text[:-1]},"mac":"{keys.mac(key, text)}"}}'.encode()
    # Overwritten in place, padded to one fixed size, without fsync: a rename or an fsync would
    # cost each autosave 2-5 ms. After a power cut the anchor is at worst older than the
    # database (verify accepts that) or unreadable (treated as missing, with a note): its head
    # is written only once the disk holds that entry, so whichever version survives names one
    # the disk holds.
    data = data.ljust(max(SIZE, len(data)))
    try:
        fd = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        private.make_dir(path.parent)
        private.write_file(path, data)
        _remember(path, anchor)
        return
    try:
        os.pwrite(fd, data, 0)
        if len(data) > SIZE:
            os.ftruncate(fd, len(data))
        info = os.fstat(fd)  # the file just written (a stat by name after closing it, cheaper)
    finally:
        os.close(fd)
    _known[path] = ((info.st_mtime_ns, info.st_size), anchor)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _remember(path: Path, anchor: Anchor) -> None:
    stamp = _stat(path)
    if stamp is not None:
        _known[path] = (stamp, anchor)


def read(db_path: Path) -> Anchor | None:
    """The anchor of db_path, None if there is none (or it is unreadable, see `unreadable`);
    AnchorAltered if it was changed outside the app."""
    with _lock:
        return _read(db_path)


def _read(db_path: Path, path: Path | None = None) -> Anchor | None:
    path = path or anchor_file(db_path)
    known = _known.get(path)
    if known is not None and known[0] == _stat(path):
        return known[1]  # the file this process wrote last (a stat instead of a parse)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        verified, pending = data.get("verified"), data.get("pending")
        anchor = Anchor(
            Head(int(data["seq"]), str(data["hash"])),
            str(data["at"]),
            Head(int(verified["seq"]), str(verified["hash"])) if verified else None,
            Head(int(pending["seq"]), str(pending["hash"])) if pending else None,
            str(pending["at"]) if pending else "",
        )
        stored_mac = str(data["mac"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("audit anchor %s unreadable (%s): treated as missing", path.name, exc)
        return None
    key = keys.load(create=False)
    if key is None or keys.mac(key, _canonical(_body(db_path, anchor))) != stored_mac:
        raise AnchorAltered(f"the anchor {path} does not match this computer's audit key")
    _remember(path, anchor)
    return anchor


def unreadable(db_path: Path) -> bool:
    """True when an anchor file exists but cannot be parsed (a power cut while writing it)."""
    try:
        return anchor_file(db_path).exists() and read(db_path) is None
    except AnchorAltered:
        return False


def forget(db_path: Path) -> None:
    """Remove the anchor of a file that is gone (a pruned backup)."""
    anchor_file(db_path).unlink(missing_ok=True)


def _stamp() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def set_aside(db_path: Path, why: str) -> None:
    """Move an anchor aside (kept as evidence) before a new one replaces it."""
    path = anchor_file(db_path)
    aside = path.with_name(f"{path.stem}.{why}-{_stamp().replace(':', '')}.json")
    try:
        path.replace(aside)
    except FileNotFoundError:
        return
    except OSError as exc:
        log.warning("audit anchor not set aside: %s", exc)
        return
    log.warning("the audit anchor was kept as %s (%s)", aside.name, why)


def advance(
    db_path: Path,
    head: Head,
    *,
    durable: bool = False,
    verified: Head | None = None,
    path: Path | None = None,
    key: bytes | None = None,
) -> None:
    """Record a head after a commit: as the anchored head when the disk holds it (`durable`),
    else as pending; and, after a clean full verify, how far it checked. `path` and `key`: the
    `anchor_file` of db_path and the audit key, when the caller keeps them (store.py)."""
    with _lock:
        path = path or anchor_file(db_path)  # once per commit: it asks the data folder
        try:
            found = _read(db_path, path)
        except AnchorAltered:
            set_aside(db_path, "altered")
            found = None
        old = found or Anchor(NO_HEAD, _stamp())
        new = old
        if durable and (head != old.head or old.pending is not None):
            new = Anchor(head, _stamp(), old.verified)
        elif not durable and head not in (old.head, old.pending):
            new = Anchor(old.head, old.at, old.verified, head, _stamp())
        if verified is not None:
            new = replace(new, verified=verified)
        if new != old or (found is None and not path.exists()):
            _write(db_path, new, path, key)
        if new.pending is not None:
            _recorded[path] = new.pending


def unconfirmed(db_path: Path) -> Head | None:
    """The pending head of db_path: committed, not yet confirmed by the disk (None when none)."""
    try:
        found = read(db_path)
    except AnchorAltered:
        return None
    return None if found is None else found.pending


@contextmanager
def syncing(db_path: Path, expect: Head | None = None) -> Iterator[None]:
    """Around an fsync of the database's log: once it returns, the head committed before it
    began is on the disk and becomes the anchored head (an exception confirms nothing).

    Only a pending head the database holds is confirmed: `expect`, the caller's database head,
    or else the one this process committed and recorded (`advance`). A pending head left by a
    power cut names entries the disk lost: confirming it would forge the disk's word (and the
    next open would alarm). An anchor that cannot be written is logged, never the caller's
    error: the fsync succeeded, so the change is saved; the anchor stays behind.
    """
    with _lock:
        path = anchor_file(db_path)  # once: it asks the data folder
        try:
            found = _read(db_path, path)
        except AnchorAltered:
            found = None
        covers = None if found is None else found.pending  # `unconfirmed`
        if covers != (expect or _recorded.get(path)):
            covers = None
    yield
    if covers is None:
        return
    with _lock:
        try:
            old = _read(db_path, path)
        except AnchorAltered:
            return  # check_open and verify report it; a sync does not overwrite the evidence
        if old is None or old.pending is None or covers.seq <= old.head.seq:
            return  # a commit that waited for the disk confirmed it already
        if covers.seq > old.pending.seq:
            return  # not this chain's pending head (a restore in between)
        later = old.pending if old.pending != covers else None  # committed during the fsync
        at = old.pending_at if later else ""
        try:
            _write(db_path, Anchor(covers, _stamp(), old.verified, later, at), path)
        except (OSError, StorageError) as exc:  # one rule with Store._after_write
            log.warning("audit anchor not updated: %s", exc)


def compare(
    anchored: Anchor,
    last: Head,
    last_at: str,
    hash_at: Callable[[int], str | None],
    loss_recorded: Callable[[int, int], bool],
) -> Finding:
    """The one rule for a log against its anchor. `last` is the database's newest entry (its
    time `last_at`), `hash_at(seq)` its entry at seq (None if it has none), `loss_recorded(a, b)`
    whether the log's own "lost" entry after a records the loss of entries through b (an anchor
    from before that recovery, brought back by a second power cut: storage/recorded_loss.py)."""
    seq, at = anchored.head.seq, anchored.at
    if seq and hash_at(seq) is None and seq > last.seq:
        return Finding(
            alarm=f"it ends at entry {last.seq}, but entry {seq} was recorded outside the "
            f"database at {at}, once the disk held it: committed changes are missing; the "
            "newest entries were removed, or committed changes were lost (a deleted or damaged "
            "-wal file)"
        )
    if seq and hash_at(seq) != anchored.head.hash:
        return Finding(
            alarm=f"entry {seq} is not the one recorded outside the database at {at}: the log "
            "was rewritten"
        )
    pending = anchored.pending
    if pending is None or pending.seq <= seq:
        return Finding()
    if last.seq >= pending.seq and hash_at(pending.seq) == pending.hash:
        return Finding()
    if loss_recorded(seq, pending.seq):
        return Finding()
    if last.seq >= pending.seq:
        return Finding(
            alarm=f"entry {pending.seq} is not the one recorded outside the database at "
            f"{anchored.pending_at}: the log was rewritten"
        )
    return Finding(
        lost=recorded_loss.message(pending.seq - last.seq, last_at, anchored.pending_at),
        lost_entries=(last.seq + 1, pending.seq),
    )


def check(db: Database, db_path: Path) -> Finding:
    """The database's log against its anchor (a Finding with no alarm when there is none)."""
    last = db.execute("SELECT id, hash, at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    head, last_at = (Head(int(last[0]), str(last[1])), str(last[2])) if last else (NO_HEAD, "")
    anchored = read(db_path)
    if anchored is None:
        return Finding()

    def hash_at(seq: int) -> str | None:
        row = db.execute("SELECT hash FROM audit_log WHERE id = ?", [seq]).fetchone()
        return None if row is None else str(row[0])

    return compare(anchored, head, last_at, hash_at, partial(recorded_loss.covered, db))


def check_open(db: Database, db_path: Path) -> str:
    """The read-only reason for a database whose log lost its anchored tail ("" when sound).

    Writing on would move the anchor and erase the evidence, so the file is opened read-only.
    Entries a power cut took before the disk confirmed them are no reason (`check` says so).
    """
    try:
        finding = check(db, db_path)
    except AnchorAltered as exc:
        return (
            f"The database {db_path} is opened read-only: {exc}, so it may have been changed "
            "outside the app. Run 'python main.py verify'; put back the audit key from your key "
            "backup if it was lost, or restore the latest backup with 'python main.py restore "
            "FILE'."
        )
    if not finding.alarm:
        return ""
    return (
        f"The database {db_path} is opened read-only. Its audit log: {finding.alarm}. Run "
        "'python main.py verify', then restore the latest backup with 'python main.py restore "
        "FILE' (a restore records the new state)."
    )


def reset(db_path: Path) -> None:
    """Anchor the head of the file now at db_path (a restore put it there on purpose)."""
    from desktop_app.storage.database import connect  # an encrypted file needs its key

    conn = connect(Path(db_path), read_only=True, create=False)
    try:
        last = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    if last is None:
        forget(db_path)
        return
    try:
        old = read(db_path)
    except AnchorAltered:
        set_aside(db_path, "altered")
        old = None
    write(
        db_path, Anchor(Head(int(last[0]), str(last[1])), _stamp(), old.verified if old else None)
    )
