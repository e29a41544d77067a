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


def restore_to_scratch(db: PgDatabase, src: Path, stamp: str) -> str:
    """Restore the pg_dump file src into a new database beside db's; returns its name.

    The clinic database itself is never touched: the scratch copy is verified by the caller,
    and the administrator switches to it by renaming (docs/clinic-server.md).
    """
    if not src.is_file():
        raise StorageError(f"There is no backup file at {src}. Nothing was restored.")
    current = db.raw.execute("SELECT current_database()").fetchone()
    name = f"{current[0] if current else 'gluteal'}_restored_{stamp}"[:63]
    try:
        db.raw.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING UTF8')
    except Exception as exc:
        raise StorageError(
            f"Cannot create the scratch database {name} on {db.label} ({exc}). Restore as the "
            "admin role (it needs CREATEDB). Nothing was restored."
        ) from None
    target = database_url(db.url, name)
    _run(
        [tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={target}", str(src)],
        f"Restoring {src.name} into {name}",
    )
    return name


def database_url(url: str, name: str) -> str:
    """The same connection URL, for another database on the same server."""
    base, _, query = url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")
