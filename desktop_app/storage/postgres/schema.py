"""The server's schema: db/postgresql's numbered scripts, applied in order and recorded, like
db/migrations on SQLite; the clinicians' privileges; the checks `verify` adds on a server."""

from __future__ import annotations

from pathlib import Path

from desktop_app import paths
from desktop_app.core.errors import StorageError
from desktop_app.storage.database import MIGRATION_SET, migration_names, migration_scripts
from desktop_app.storage.errors import DatabaseCorrupt
from desktop_app.storage.postgres.connection import MIGRATION_LOCK, PgDatabase

MIGRATIONS = paths.shipped_folder("db", "postgresql")
RECORD = "_migrations"  # (migration_set, name, applied_at), as sqlite-utils' _sqlite_migrations
CLINICIANS = "gluteal_clinician"  # the group role every clinician's login role is a member of
APPEND_ONLY = ("audit_log", "differentials")
ADMIN_ONLY = ("clinician_roles",)  # clinicians may read who is tied to which login, not change it
# Guard triggers `verify` expects present and enabled (a disabled trigger lets rows change).
GUARDS = (
    ("visits", "visits_signed_update"),
    ("differentials", "differentials_no_update"),
    ("audit_log", "audit_log_no_update"),
    ("audit_log", "audit_log_no_truncate"),
    ("audit_log", "audit_log_actor"),
    ("answers", "answers_signed"),
    ("exam_findings", "exam_findings_signed"),
    ("body_marks", "body_marks_signed"),
    ("measure_results", "measure_results_signed"),
    ("red_flag_acks", "red_flag_acks_signed"),
)


def scripts() -> list[Path]:
    """The server's scripts; each SQLite migration has one of the same name (checked)."""
    found = migration_scripts(MIGRATIONS)
    missing = sorted(set(migration_names()) - {p.stem for p in found})
    if missing:
        raise StorageError(
            f"This installation of the app is incomplete: the clinic-server migrations "
            f"{', '.join(missing)} are missing from {MIGRATIONS}. Nothing was written."
        )
    return found


def applied(db: PgDatabase) -> set[str] | None:
    """The recorded migrations, or None when the database has none of this app's tables."""
    tables = set(db.table_names())
    if RECORD not in tables:
        if tables:
            raise DatabaseCorrupt(
                f"The database {db.label} holds tables, but not this app's. Check the database "
                "name in the connection setting."
            )
        return None
    rows = db.execute(f"SELECT name FROM {RECORD} WHERE migration_set = ?", [MIGRATION_SET])
    return {str(r[0]) for r in rows.fetchall()}


def pending(db: PgDatabase) -> list[Path]:
    known = scripts()
    done = applied(db) or set()
    newer = done - {p.stem for p in known}
    if newer:
        raise StorageError(
            f"The clinic database {db.label} was upgraded by a newer version of this app "
            f"({', '.join(sorted(newer))}). Install the newer version on this workstation."
        )
    return [p for p in known if p.stem not in done]


def migrate(db: PgDatabase) -> list[str]:
    """Apply the pending scripts, each in one transaction with its record; names applied.

    Only the database's owner (the admin role) can; a clinician's workstation that finds the
    schema behind is told to ask for the upgrade, and nothing is written.
    """
    conn = db.raw
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {RECORD} (migration_set TEXT NOT NULL, "
            "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
            "PRIMARY KEY (migration_set, name))"
        )
    done = []
    for script in pending(db):
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
            recorded = conn.execute(
                f"SELECT 1 FROM {RECORD} WHERE migration_set = %s AND name = %s",
                [MIGRATION_SET, script.stem],
            ).fetchone()
            if recorded is None:  # another admin session applied it while this one waited
                conn.execute(script.read_text(encoding="utf-8").encode("utf-8"))
                conn.execute(
                    f"INSERT INTO {RECORD} (migration_set, name) VALUES (%s, %s)",
                    [MIGRATION_SET, script.stem],
                )
                done.append(script.stem)
    grant_clinicians(db)
    return done


def owns_database(db: PgDatabase) -> bool:
    row = db.raw.execute(
        "SELECT pg_get_userbyid(datdba) = current_user FROM pg_database "
        "WHERE datname = current_database()"
    ).fetchone()
    return bool(row and row[0])


def grant_clinicians(db: PgDatabase) -> None:
    """The clinicians' role may read and write every table, but only add to the append-only ones."""
    conn = db.raw
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [CLINICIANS]).fetchone()
    if exists is None:
        return
    with conn.transaction():
        conn.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {CLINICIANS}"
        )
        for table in (RECORD, *ADMIN_ONLY):
            conn.execute(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {table} FROM {CLINICIANS}")
        for table in APPEND_ONLY:
            conn.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {CLINICIANS}")


def prepare(db: PgDatabase, *, read_only: bool) -> None:
    """Bring the schema up to date (the owner), or refuse a schema that is behind (others)."""
    todo = pending(db)
    if todo and (read_only or not owns_database(db)):
        raise StorageError(
            f"The clinic database {db.label} needs upgrading for this version of the app "
            f"({', '.join(p.stem for p in todo)}). Nothing was written: ask the clinic's "
            "administrator to run 'gluteal-assess --db postgresql://ADMIN@SERVER/DATABASE "
            "migrate'."
        )
    if todo:
        migrate(db)
    db.refresh_id_tables()


def server_problems(db: PgDatabase) -> list[str]:
    """What `verify` checks on a server beyond the data: the guard triggers are in place."""
    rows = db.raw.execute(
        "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal"
    ).fetchall()
    enabled = {(str(r[0]), str(r[1])): str(r[2]) != "D" for r in rows}
    problems = []
    for table, trigger in GUARDS:
        if (table, trigger) not in enabled:
            problems.append(f"Server: the guard trigger {trigger} on {table} is missing.")
        elif not enabled[(table, trigger)]:
            problems.append(f"Server: the guard trigger {trigger} on {table} is disabled.")
    return problems
