"""Database commands: backup, restore, verify and demo-data."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from desktop_app.commands import app_of

# Storage modules (and sqlite-utils) are imported inside each command: building the parser runs
# on every start of the app, the window included, and must stay cheap.


def register(sub: Any) -> None:
    backup = sub.add_parser("backup", help="copy the database to a file (safe while the app runs)")
    backup.add_argument("--out", type=Path, required=True, metavar="FILE", help="backup file")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    backup.set_defaults(func=run_backup)

    restore = sub.add_parser(
        "restore", help="replace the database by a backup (checked first; the old one is kept)"
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="backup file to restore")
    restore.set_defaults(func=run_restore)

    verify = sub.add_parser(
        "verify", help="check the audit chain, its anchor, every signed visit and patient"
    )
    verify.add_argument(
        "--incremental",
        action="store_true",
        help="check only what changed since the last full verify (and record counts)",
    )
    verify.add_argument(
        "--pdf", type=Path, metavar="FILE", help="check an exported PDF against the record"
    )
    verify.set_defaults(func=run_verify)

    demo = sub.add_parser("demo-data", help="add synthetic patients and visits (demos, benchmarks)")
    demo.add_argument("--patients", type=int, default=100, metavar="N")
    demo.add_argument("--visits-per-patient", type=int, default=3, metavar="M")
    demo.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    demo.set_defaults(func=run_demo_data)


def run_backup(args: argparse.Namespace) -> int:
    from desktop_app.storage.database import defer_quick_check

    with defer_quick_check(), app_of(args).open_repository(must_exist=True) as repo:
        # No quick_check first: the copy gets the full integrity_check before it is named.
        dest = repo.backup_to(args.out, replace=args.force)
    print(f"Backed up {repo.path} to {dest}.")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    url = app_of(args).server_url()
    if url is not None:  # a clinic server: into a scratch database (commands/server.py)
        from desktop_app.commands.server import run_server_restore

        return run_server_restore(args, url)
    target = app_of(args).database_path()
    from desktop_app.storage import encryption
    from desktop_app.storage.backup import restore_database

    was_encrypted = encryption.is_encrypted(target)
    remembered = None if encryption.passphrase() else encryption.passphrase_for(target)
    if remembered:  # the keyring's passphrase opens the backups too, as a typed one does
        encryption.give(remembered)
    backup_encrypted = encryption.is_encrypted(args.file)
    aside = restore_database(args.file, target)
    print(f"Restored {target} from {args.file}.")
    if aside is not None:
        print(f"The database it replaced was kept as {aside}.")
    if was_encrypted and not backup_encrypted:
        print(f"{args.file} was not encrypted; {target} is, with the same passphrase as before.")
    elif backup_encrypted and not was_encrypted:
        print(f"{args.file} was encrypted, so {target} is now too: it opens with its passphrase.")
    return 0


def _progress(stage: str, done: int, total: int) -> None:
    if sys.stderr.isatty() or total >= 10_000:
        print(f"\rVerifying {stage}: {done}/{total}", end="", file=sys.stderr, flush=True)


def run_verify_pdf(args: argparse.Namespace) -> int:
    import hashlib

    from desktop_app.export.pdfa import read_record

    if not args.pdf.is_file():
        print(f"error: there is no file at {args.pdf}", file=sys.stderr)
        return 2
    record = read_record(args.pdf)
    digest = hashlib.sha256(args.pdf.read_bytes()).hexdigest()
    from desktop_app.storage.database import defer_quick_check

    with defer_quick_check(), app_of(args).open_repository(must_exist=True, read_only=True) as repo:
        problems, findings = repo.check_export(record, digest)
    for finding in findings:
        print(finding)
    if problems:
        print(f"{args.pdf} does not match the record in {repo.path}:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"{args.pdf} matches the record in {repo.path}.")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    if args.pdf is not None:
        return run_verify_pdf(args)
    from desktop_app.storage.database import defer_quick_check

    # verify runs SQLite's full integrity_check itself (a full run): no quick_check before it.
    with defer_quick_check(), app_of(args).open_repository(must_exist=True) as repo:
        report = repo.verify_report(incremental=args.incremental, progress=_progress)
    print("\r", end="", file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}")
    if report.problems:
        print(f"{repo.path}: {len(report.problems)} problem(s) found:")
        for problem in report.problems:
            print(f"  - {problem}")
        return 1
    scope = (
        f"entries after {report.incremental_from} and what they changed"
        if report.incremental_from
        else f"{report.entries} audit entries and {report.signed} signed visits"
    )
    print(f"{repo.path} is intact: {scope} match.")
    return 0


def run_demo_data(args: argparse.Namespace) -> int:
    if args.patients < 0 or args.visits_per_patient < 1:
        print(
            "error: --patients must be 0 or more and --visits-per-patient 1 or more",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    with app_of(args).open_repository() as repo:
        if repo.read_only:
            print(f"error: {repo.read_only_reason}", file=sys.stderr)
            return 2

        def progress(done: int) -> None:
            print(f"\r{done}/{args.patients} patients", end="", file=sys.stderr, flush=True)

        from desktop_app.storage.demo_data import generate

        generate(repo, args.patients, args.visits_per_patient, seed=args.seed, progress=progress)
        total = repo.patient_count()
    print(file=sys.stderr)
    print(
        f"Added {args.patients} synthetic patients with {args.visits_per_patient} visit(s) each "
        f"in {time.perf_counter() - started:.1f} s; {repo.path} now holds {total} patients."
    )
    return 0
