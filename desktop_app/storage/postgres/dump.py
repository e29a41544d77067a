"""Backups of a clinic database with pg_dump (custom format), checked before they count, and a
restore into a new scratch database that is verified before anyone uses it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from desktop_app.core.errors import StorageError
from desktop_app.storage import private
from desktop_app.storage.postgres.connection import PgDatabase

PARTIAL = ".partial"
TIMEOUT_S = 3600


def tool(name: str) -> str:
    """pg_dump or pg_restore: on PATH, else the newest in Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    for folder in reversed(folders):
        if (folder / name).is_file():
            return str(folder / name)
    raise StorageError(
        f"{name} is not installed on this workstation: install the PostgreSQL client programs "
        "(Debian/Ubuntu: 'postgresql-client'), then back up again. Nothing was written."
    )


def _run(args: list[str], what: str) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StorageError(f"{what} failed: {exc}.") from None
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["no message"]
        raise StorageError(f"{what} failed: {lines[-1]}")
    return done.stdout


def dump(db: PgDatabase, dest: Path) -> Path:
    """pg_dump -Fc into a private file beside dest, listed back by pg_restore, then renamed."""
    private.make_dir(dest.parent)
    partial = dest.with_name(dest.name + PARTIAL)
    try:
        private.create_file(partial)
        _run(
            [tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", db.url],
            f"Backing up the clinic database {db.label}",
        )
        listing = _run([tool("pg_restore"), "--list", str(partial)], "Checking the backup")
        if "TABLE DATA public audit_log" not in listing:
            raise StorageError(f"The backup of {db.label} holds no audit log: it was not kept.")
        os.replace(partial, dest)
    except OSError as exc:
        raise StorageError(f"Cannot write the backup {dest}: {exc.strerror}.") from None
    finally:
        partial.unlink(missing_ok=True)
    return dest
