"""Where a backup or an export may be written: never over a device, a folder, the database or
one of its backups, and over an existing file only when asked (`--force`)."""

from __future__ import annotations

import stat
from pathlib import Path

from desktop_app.core.errors import StorageError

# Files that belong to a database, by suffix after its full name.
COMPANIONS = ("", "-wal", "-shm", "-journal", ".lock", ".restoring")


class UnsafeOutput(StorageError):
    """The chosen output file would destroy something (a device, the database, a backup)."""


def _protected(db_path: Path) -> list[Path]:
    """The database's own files and its backups (rotating and kept copies)."""
    from desktop_app.storage.backup import backups, default_backup_dir  # no import cycle

    files = [Path(f"{db_path}{suffix}") for suffix in COMPANIONS]
    files += backups(db_path, default_backup_dir(db_path))
    files += db_path.parent.glob(f"{db_path.stem}.replaced-*.sqlite3")
    return [f.resolve() for f in files]


def check_output(out: Path, db_path: Path, *, force: bool, what: str = "backup") -> None:
    """Refuse an output that is a device, a folder, the database or a backup of it.

    An existing regular file is replaced only with force. Raises UnsafeOutput naming the reason.
    """
    out = Path(out)
    try:
        info = out.stat()  # follows a symbolic link: what would really be written
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UnsafeOutput(f"Cannot use {out} for the {what}: {exc.strerror}.") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UnsafeOutput(f"{out} is a folder. Give a file name for the {what}.")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise UnsafeOutput(
            f"{out} is not an ordinary file (a device, pipe or socket). Nothing was written: "
            f"choose a file name for the {what}."
        )
    if out.resolve() in _protected(Path(db_path)):
        raise UnsafeOutput(
            f"{out} is the database or one of its backups. Nothing was written: choose another "
            f"file name for the {what}."
        )
    if info is not None and not force:
        raise UnsafeOutput(
            f"{out} already exists. Nothing was written: choose another name, or add --force to "
            "replace it."
        )
