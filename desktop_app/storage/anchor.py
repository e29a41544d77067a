"""The audit chain's head kept outside the database, in the user data directory.

After every audited commit the head (sequence and hash of the newest entry) is written to a small
file of its own, MAC'd with the audit key. A database whose log ends before the anchored entry
lost committed writes (a deleted `-wal`, a truncated tail); one whose entry at that sequence has
another hash was rewritten. The anchor also remembers how far the last full `verify` got, so
`verify --incremental` can start there. Writing it after the commit means a crash in between
leaves it one commit behind (harmless), never ahead.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.storage import keys, private

if TYPE_CHECKING:  # not imported at run time: the anchor is read on the cold-start path
    from sqlite_utils import Database

log = logging.getLogger(__name__)
FOLDER = "anchors"
SIZE = 1024  # bytes: every anchor is padded to this, so an update overwrites it in place
_known: dict[Path, tuple[tuple[int, int], Anchor]] = {}  # path -> (mtime, size), last written


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


@dataclass(frozen=True)
class Anchor:
    head: Head
    at: str  # when it was written (UTC, ISO)
    verified: Head | None = None  # the head the last full verify found intact


class AnchorAltered(Exception):
    """The anchor file exists but its MAC does not match: changed outside the app."""


def anchor_file(db_path: Path) -> Path:
    """Where the head of the database at db_path is kept (one small file per database path)."""
    key = hashlib.sha256(_resolved(str(db_path)).encode("utf-8")).hexdigest()[:32]
    return keys.data_dir() / FOLDER / f"{key}.json"


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
    return body


def _mac(key: bytes, body: dict[str, object]) -> str:
    return keys.mac(key, json.dumps(body, sort_keys=True, separators=(",", ":")))


def write(db_path: Path, anchor: Anchor) -> None:
    """Replace the anchor of db_path (atomically, 0600). Raises OSError if it cannot."""
    key = keys.load(create=True)
    assert key is not None
    body = _body(db_path, anchor)
    path = anchor_file(db_path)
    private.make_dir(path.parent)
    data = json.dumps({**body, "mac": _mac(key, body)}, sort_keys=True).encode("utf-8")
    # Overwritten in place, padded to one fixed size, without fsync: a rename or an fsync would
    # cost each autosave 2-5 ms. After a power cut the anchor is at worst older than the
    # database (verify accepts that) or unreadable (treated as missing, with a note).
    data = data.ljust(max(SIZE, len(data)))
    if not path.exists():
        private.write_file(path, data)
    else:
        fd = os.open(path, os.O_WRONLY)
        try:
            os.pwrite(fd, data, 0)
            if len(data) > SIZE:
                os.ftruncate(fd, len(data))
        finally:
            os.close(fd)
    _remember(path, anchor)


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
    path = anchor_file(db_path)
    known = _known.get(path)
    if known is not None and known[0] == _stat(path):
        return known[1]  # the file this process wrote last (a stat instead of a parse)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        verified = data.get("verified")
        anchor = Anchor(
            Head(int(data["seq"]), str(data["hash"])),
            str(data["at"]),
            Head(int(verified["seq"]), str(verified["hash"])) if verified else None,
        )
        stored_mac = str(data["mac"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("audit anchor %s unreadable (%s): treated as missing", path.name, exc)
        return None
    key = keys.load(create=False)
    if key is None or _mac(key, _body(db_path, anchor)) != stored_mac:
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


def _keep_altered(db_path: Path) -> None:
    set_aside(db_path, "altered")


def advance(db_path: Path, head: Head, *, verified: Head | None = None) -> None:
    """Record a new head after a commit (and, after a clean full verify, how far it checked)."""
    try:
        old = read(db_path)
    except AnchorAltered:
        _keep_altered(db_path)
        old = None
    if verified is None and old is not None:
        if old.head == head:
            return
        verified = old.verified
    write(db_path, Anchor(head, _stamp(), verified))


def behind(db_path: Path, head: Head, hash_at: Head | None) -> str:
    """Why the database must not be written: its log ends before, or differs from, the anchor.

    `hash_at` is the database's own entry at the anchored sequence (None if it has none). Writing
    on would move the anchor and erase the evidence, so the file is opened read-only instead.
    """
    try:
        anchored = read(db_path)
    except AnchorAltered:
        return ""  # check_open reports it
    if anchored is None or anchored.head == hash_at:
        return ""
    if anchored.head.seq > head.seq:
        what = (
            f"its audit log ends at entry {head.seq}, but entry {anchored.head.seq} was recorded "
            f"at {anchored.at}: committed changes are missing"
        )
    else:
        what = f"its audit entry {anchored.head.seq} differs from the one recorded at {anchored.at}"
    return (
        f"The database {db_path} is opened read-only: {what}. Run 'python main.py verify', then "
        "restore the latest backup with 'python main.py restore FILE' (a restore records the "
        "new state)."
    )


def check_open(db: Database, db_path: Path) -> str:
    """The read-only reason for a database whose log lost its anchored tail ("" when sound)."""
    last = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    head = Head(int(last[0]), str(last[1])) if last else Head(0, "")
    try:
        anchored = read(db_path)
    except AnchorAltered as exc:
        return (
            f"The database {db_path} is opened read-only: {exc}, so it may have been changed "
            "outside the app. Run 'python main.py verify'; put back the audit key from your key "
            "backup if it was lost, or restore the latest backup with 'python main.py restore "
            "FILE'."
        )
    if anchored is None:
        return ""
    row = db.execute("SELECT hash FROM audit_log WHERE id = ?", [anchored.head.seq]).fetchone()
    return behind(db_path, head, Head(anchored.head.seq, str(row[0])) if row else None)


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
        _keep_altered(db_path)
        old = None
    write(
        db_path, Anchor(Head(int(last[0]), str(last[1])), _stamp(), old.verified if old else None)
    )
