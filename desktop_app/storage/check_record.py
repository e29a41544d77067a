"""When the file's integrity check is due (issue 17): scheduled, not at every start or command.

`PRAGMA quick_check` reads the whole file (18.6 s for 1 GB), and ran at every start and before
every command. A clean check is now written down beside the database (`<file>.checked`, outside
it), and each clean close by this app writes down the file as it left it (device, inode, size,
modification time, the first 100 bytes). The check is skipped only while both hold: the last
clean check is less than a day old, and the file is exactly as this app last closed it. A file
written by anything else, copied, restored, left with its log (a crash), or not checked today is
checked as before. Damage found removes the record.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)
EVERY_S = 24 * 3600.0  # at least one full check per day of use
SUFFIX = ".checked"
Signature = list[int | str]


def record_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + SUFFIX)


def signature(db_path: Path) -> Signature | None:
    """What changes whenever anything writes the file; None when it cannot be read."""
    try:
        st = os.stat(db_path)
        with open(db_path, "rb") as file:
            head = hashlib.sha256(file.read(100)).hexdigest()
    except OSError:
        return None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, head]


def _left_open(db_path: Path) -> bool:
    from desktop_app.storage.database import unclean_shutdown  # it imports this module

    return unclean_shutdown(db_path)


def _read(db_path: Path) -> dict[str, object] | None:
    try:
        found = json.loads(record_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _write(db_path: Path, record: dict[str, object]) -> None:
    """Best effort: a folder that cannot take the record only means the next start checks."""
    target = record_path(db_path)
    partial = target.with_name(target.name + ".tmp")
    try:
        partial.write_text(json.dumps(record), encoding="utf-8")
        os.replace(partial, target)
    except OSError as exc:
        log.info("integrity-check record not written (%s): the next start checks", exc.strerror)


def covers(db_path: Path, now: float | None = None) -> bool:
    """True when the last clean check still holds: today's, and the file untouched since."""
    record = _read(db_path)
    if record is None or _left_open(db_path):
        return False
    checked_at, left = record.get("checked_at"), record.get("closed_as")
    if not isinstance(checked_at, int | float) or left is None:
        return False
    age = (time.time() if now is None else now) - checked_at
    return 0 <= age < EVERY_S and left == signature(db_path)


def checked_clean(db_path: Path, started_at: float) -> None:
    """A check that began at ``started_at`` found the file sound (it may be open: the file as
    left is written at the close)."""
    _write(db_path, {"checked_at": started_at, "closed_as": None})


def damaged(db_path: Path) -> None:
    with contextlib.suppress(OSError):
        record_path(db_path).unlink()


def closed(db_path: Path, opened_at: float, covered_at_open: bool) -> None:
    """After this app closed the file: keep the record true of the file as it is now, if the
    file was covered when opened or checked clean while open (never a record of an unchecked
    file), and the close was clean (the last connection; no log left)."""
    record = _read(db_path)
    if record is None or _left_open(db_path):
        return
    checked_at = record.get("checked_at")
    if not isinstance(checked_at, int | float):
        return
    if not (covered_at_open or checked_at >= opened_at):
        return
    left = signature(db_path)
    if left is not None:
        _write(db_path, {"checked_at": checked_at, "closed_as": left})
