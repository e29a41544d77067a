"""Encryption at rest (storage/encryption.py): `encrypt-copy`, `decrypt-export` and `rekey`.

Passphrases come from the environment (GLUTEAL_ASSESS_PASSPHRASE, GLUTEAL_ASSESS_NEW_PASSPHRASE),
never from the command line, where other users could read them in the process list.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from desktop_app.commands import app_of

NEW_ENV = "GLUTEAL_ASSESS_NEW_PASSPHRASE"


def register(sub: Any) -> None:
    copy = sub.add_parser(
        "encrypt-copy",
        help="write an encrypted copy of the database (passphrase from GLUTEAL_ASSESS_PASSPHRASE)",
    )
    copy.add_argument("--out", type=Path, required=True, metavar="FILE", help="the new file")
    copy.add_argument("--force", action="store_true", help="replace FILE if it exists")
    copy.set_defaults(func=run_encrypt_copy)
    plain = sub.add_parser(
        "decrypt-export", help="write a plain (unencrypted) copy of an encrypted database"
    )
    plain.add_argument("--out", type=Path, required=True, metavar="FILE", help="the new file")
    plain.add_argument("--force", action="store_true", help="replace FILE if it exists")
    plain.set_defaults(func=run_decrypt_export)
    rekey = sub.add_parser(
        "rekey", help=f"change an encrypted database's passphrase (the new one from {NEW_ENV})"
    )
    rekey.set_defaults(func=run_rekey)


def _prepare_out(out: Path, db_path: Path, force: bool) -> None:
    from desktop_app.storage.outputs import check_output

    check_output(out, db_path, force=force, what="copy")
    out.unlink(missing_ok=True)  # replaced only with --force (check_output)


def run_encrypt_copy(args: argparse.Namespace) -> int:
    from desktop_app.storage import encryption

    secret = encryption.passphrase()
    with app_of(args).open_repository(must_exist=True) as repo:
        if encryption.is_encrypted(repo.path):
            print(f"error: {repo.path} is already encrypted (use rekey)", file=sys.stderr)
            return 2
        _prepare_out(args.out, repo.path, args.force)
        encryption.encrypted_copy(repo.path, args.out, secret or "")
        repo.audit_event("encrypt copy", "database", f"to {args.out.name}")
    print(
        f"Wrote an encrypted copy of {repo.path} to {args.out}. Open it with --db {args.out} and "
        "the same passphrase; then keep or remove the plain file. A lost passphrase means lost "
        "records: nobody can read the copy without it."
    )
    return 0


def run_decrypt_export(args: argparse.Namespace) -> int:
    from desktop_app.storage import encryption

    with app_of(args).open_repository(must_exist=True) as repo:
        _prepare_out(args.out, repo.path, args.force)
        encryption.decrypted_copy(repo.db.conn, args.out)
        repo.audit_event("decrypt export", "database", f"to {args.out.name}")
    print(f"Wrote a plain (unencrypted) copy of {repo.path} to {args.out}: keep it safe.")
    return 0


def run_rekey(args: argparse.Namespace) -> int:
    from desktop_app.storage import encryption

    new = os.environ.get(NEW_ENV, "")
    with app_of(args).open_repository(must_exist=True) as repo:
        if repo.read_only:
            print(f"error: {repo.read_only_reason}", file=sys.stderr)
            return 2
        encryption.rekey(repo.db.conn, new)
        repo.audit_event("rekey", "database", "passphrase changed")
    print(f"{repo.path} now opens with the new passphrase. Backups made before keep the old one.")
    return 0
