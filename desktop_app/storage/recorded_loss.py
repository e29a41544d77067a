"""Whether the audit log itself records that a power cut took a range of its entries.

After a power cut the app writes a keyed "lost" entry naming the entries the disk did not keep
(store.py `_log_power_cut`); it takes the first of their sequence numbers, and the log goes on from
there. The anchor file is written without an fsync, so a second power cut can bring back a version
from before that recovery, whose pending head names the lost entries (storage/anchor.py). Such an
anchor is no tamper alarm when the log holds the entry that recorded the loss: one keyed with this
computer's audit key and linked to the entry before it, which only the app can write.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from desktop_app.core.wording import format_date
from desktop_app.storage import audit, keys

if TYPE_CHECKING:  # not imported at run time: the anchor is read on the cold-start path
    from sqlite_utils import Database

ACTION = "lost"
ENTITY = "audit_log"
_RANGE = re.compile(r"entries (\d+)-(\d+):")


def detail(first: int, last: int, message: str) -> str:
    """The lost entry's detail: the range first-last, then what the user was told."""
    return f"entries {first}-{last}: {message}"


def message(count: int, since: str, until: str) -> str:
    """What the user is told: `count` entries committed between since and until were lost."""
    try:
        end = dt.datetime.fromisoformat(until)
        span = (end - dt.datetime.fromisoformat(since)).total_seconds()
        here = end.astimezone()  # the clinician's own clock, as every other date the app shows
        when = f"{here:%H:%M:%S} on {format_date(here.date())}"
        within = f"within {max(1, round(span))} s before {when} (this computer's time)"
    except ValueError:
        within = f"just before {until}"
    changes = "change" if count == 1 else "changes"
    return (
        f"the last {count} audited {changes}, made {within}, did not reach the disk before the "
        "computer stopped (a power cut or a system crash) and are not in the database: check "
        "the visit edited last. Nothing the disk had confirmed is missing"
    )


def covered(db: Database, after: int, through: int) -> bool:
    """True when a genuine "lost" entry later than `after` records the loss of entries up to
    `through` (every entry from its own sequence number on)."""
    key = keys.load(create=False)
    if key is None:
        return False
    rows = db.execute(
        "SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_log "
        "WHERE action = ? AND entity = ? AND id > ? AND id <= ? ORDER BY id",
        [ACTION, ENTITY, after, through],
    ).fetchall()
    for row in rows:
        entry = dict(zip((*audit.ENTRY_KEYS, "prev_hash", "hash"), row, strict=True))
        span = _RANGE.match(str(entry["detail"]))
        if span is None or int(span[1]) != entry["id"] or int(span[2]) < through:
            continue
        before = db.execute("SELECT hash FROM audit_log WHERE id = ?", [entry["id"] - 1]).fetchone()
        if before is None or before[0] != entry["prev_hash"]:
            continue
        if audit.entry_hash(str(entry["prev_hash"]), entry, key) == entry["hash"]:
            return True
    return False
