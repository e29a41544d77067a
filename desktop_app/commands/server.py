"""Clinic-server commands: migrate (the admin upgrades the schema), migrate-to-server (an SQLite
file into an empty server database), clinician-role (tie a clinician to their login) and the
server's restore (into a scratch database)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_app.commands import app_of
from desktop_app.core.errors import StorageError


def register(sub: Any) -> None:
    migrate = sub.add_parser(
        "migrate", help="upgrade a clinic server's schema (run as its admin role with --db URL)"
    )
    migrate.set_defaults(func=run_migrate)
    move = sub.add_parser(
        "migrate-to-server",
        help="copy this database file into an empty clinic-server database, then check the copy",
    )
    move.add_argument("url", metavar="URL", help="postgresql://ADMIN@HOST/DATABASE (empty)")
    move.set_defaults(func=run_migrate_to_server)
    tie = sub.add_parser(
        "clinician-role",
        help="tie a clinician to their own login role on the clinic server (the admin's; "
        "without arguments: list the ties)",
    )
    tie.add_argument("clinician", nargs="?", type=int, metavar="ID", help="the clinician's ID")
    tie.add_argument("role", nargs="?", metavar="ROLE", help="their login role on the server")
    tie.add_argument("--remove", action="store_true", help="untie the clinician from any role")
    tie.set_defaults(func=run_clinician_role)


def _server(args: argparse.Namespace) -> str:
    url = app_of(args).server_url()
    if url is None:
        raise StorageError("This command needs a clinic server: --db postgresql://ADMIN@HOST/DB.")
    return url


def run_migrate(args: argparse.Namespace) -> int:
    url = _server(args)
    from desktop_app.storage.postgres.connection import PgDatabase
    from desktop_app.storage.postgres.schema import migrate

    db = PgDatabase(url)
    try:
        done = migrate(db)
    finally:
        db.close()
    print(f"{db.label}: " + (f"applied {', '.join(done)}." if done else "already up to date."))
    return 0


def run_migrate_to_server(args: argparse.Namespace) -> int:
    app = app_of(args)
    if app.server_url() is not None:
        raise StorageError("Give the SQLite file with --db (or none for the default file).")
    from desktop_app.storage.postgres.transfer import copy
    from desktop_app.storage.repository import Repository

    with (
        app.open_repository(read_only=True, must_exist=True) as source,
        Repository.open_server(args.url, app.knowledge_base()) as target,
    ):
        result = copy(source, target, lambda t: print(f"copying {t}", file=sys.stderr))
        label = target.path
    for table, count in result.counts.items():
        print(f"  {table}: {count} rows, sha256 {result.fingerprints[table][:16]}… (same)")
    print(f"Copied {source.path} into {label}: every table matches and verify is clean.")
    return 0


def run_clinician_role(args: argparse.Namespace) -> int:
    _server(args)
    from desktop_app.core.errors import InvalidObservation

    app = app_of(args)
    with app.open_repository(read_only=args.clinician is None) as repo:
        if args.clinician is not None:
            if bool(args.role) == args.remove:
                raise InvalidObservation("Give the login ROLE to tie, or --remove (not both).")
            repo.tie_clinician_role(args.clinician, None if args.remove else args.role)
        ties = repo.clinician_roles()
        for clinician in repo.clinicians(include_inactive=True):
            role = ties.get(clinician.id)
            print(f"{clinician.id}\t{clinician.name}\t{role or '(no login of their own)'}")
    return 0


def run_server_restore(args: argparse.Namespace, url: str) -> int:
    """restore FILE on a server: into a new scratch database, verified; the live one untouched."""
    import datetime as dt

    from desktop_app.storage.postgres.dump import database_url, restore_to_scratch
    from desktop_app.storage.repository import Repository

    app = app_of(args)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    with Repository.open_server(url, app.knowledge_base()) as live:
        assert live.server is not None
        name = restore_to_scratch(live.server, Path(args.file), stamp)
    with Repository.open_server(database_url(url, name), app.knowledge_base()) as copy:
        problems = copy.verify()
        patients, entries = copy.patient_count(), len(copy.audit_trail())
    if problems:
        print(f"Restored into {name}, but it does not verify:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(
        f"Restored {args.file} into the new database {name} ({patients} patients, {entries} "
        "audit entries; verify clean). The clinic database was not changed: to switch to the "
        "restored copy, see docs/clinic-server.md, 'Restoring'."
    )
    return 0
