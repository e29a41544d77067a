"""Settings' "Test connection": can this workstation reach the clinic server, log in, and use
its database? One short read-only connection; the answer in words a clinician can act on."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import psycopg

from desktop_app.core.errors import StorageError
from desktop_app.storage.postgres.connection import PgDatabase
from desktop_app.storage.postgres.schema import applied, scripts


@dataclass(frozen=True)
class ServerCheck:
    """What the test found: the server, who it logged in as and whether its schema is ready."""

    label: str  # host:port/database
    role: str  # the server's name for this login (the audit actor unless mapped to a clinician)
    clinician: str  # the clinician mapped to that role, or ""
    server_version: str
    pending: tuple[str, ...]  # migrations the admin still has to run (None applied: all)

    @property
    def summary(self) -> str:
        who = f"as {self.role}" + (f" ({self.clinician})" if self.clinician else "")
        text = f"Connected to {self.label} {who}, PostgreSQL {self.server_version}."
        if self.pending:
            text += (
                " The clinic database needs upgrading for this version of the app: ask the "
                "clinic's administrator to run 'migrate' before this workstation uses it."
            )
        return text


def check_server(url: str) -> ServerCheck:
    """Connect read-only and look; StorageError saying what is wrong when it cannot be used."""
    db = PgDatabase(url, read_only=True)
    try:
        raw = db.raw
        role = str(raw.execute("SELECT session_user").fetchone()[0])  # type: ignore[index]
        version = str(raw.execute("SHOW server_version").fetchone()[0]).split()[0]  # type: ignore[index]
        done = applied(db) or set()
        pending = tuple(p.stem for p in scripts() if p.stem not in done)
        clinician = _mapped_clinician(db, role) if not pending else ""
    except (psycopg.Error, sqlite3.Error) as exc:
        known = getattr(exc, "storage_error", None)
        if known is not None:
            raise known from None
        raise StorageError(
            f"Connected to the clinic server {db.label}, but it could not be read "
            f"({str(exc).strip().splitlines()[0]}). Ask the clinic's administrator to check "
            "this login's rights."
        ) from None
    finally:
        db.close()
    return ServerCheck(db.label, role, clinician, version, pending)


def _mapped_clinician(db: PgDatabase, role: str) -> str:
    row = db.raw.execute(
        "SELECT c.name FROM clinician_roles AS r JOIN clinicians AS c ON c.id = r.clinician_id "
        "WHERE r.role = %s",
        [role],
    ).fetchone()
    return str(row[0]) if row else ""
