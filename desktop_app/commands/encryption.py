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
    remember = sub.add_parser(
        "remember-passphrase",
        help="keep the database's passphrase (from GLUTEAL_ASSESS_PASSPHRASE) in this computer's "
        "keyring, so that it is not asked again here",
    )
    remember.set_defaults(func=run_remember_passphrase)
    forget = sub.add_parser(
        "forget-passphrase", help="remove the database's passphrase from this computer's keyring"
    )
    forget.set_defaults(func=run_forget_passphrase)


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
    from desktop_app.storage import keychain

    if keychain.recall(repo.path) is not None:  # the remembered one would no longer open it
        try:
            keychain.remember(repo.path, new)
        except keychain.KeyringUnavailable as exc:
            print(f"warning: {exc} Remove the old one with forget-passphrase.", file=sys.stderr)
        else:
            print("The passphrase remembered in this computer's keyring was changed too.")
    return 0


def run_remember_passphrase(args: argparse.Namespace) -> int:
    from desktop_app.storage import encryption, keychain

    path = app_of(args).database_path()
    if not encryption.is_encrypted(path):
        print(f"error: {path} is not encrypted: no passphrase to remember", file=sys.stderr)
        return 2
    secret = encryption.passphrase()
    if not secret:
        print(f"error: give the passphrase in {encryption.ENV} to remember it", file=sys.stderr)
        return 2
    encryption.check(path, secret)  # never remember a passphrase that does not open it
    name = keychain.remember(path, secret)
    print(
        f"The passphrase of {path} is now kept in this computer's keyring ({name}): the app and "
        "its commands open the database here without asking. Anyone who can sign in to this "
        "computer as you can open it too; 'forget-passphrase' removes it."
    )
    return 0


def run_forget_passphrase(args: argparse.Namespace) -> int:
    from desktop_app.storage import keychain

    path = app_of(args).database_path()
    if keychain.forget(path):
        print(f"The passphrase of {path} was removed from this computer's keyring.")
    else:
        print(f"No passphrase of {path} was kept in this computer's keyring.")
    return 0
