"""Account commands (storage/accounts.py): `accounts list`, `accounts lock-minutes [N]`,
`accounts lift-lockout NAME`, `accounts set-pin NAME`, `accounts set-admin NAME on|off` and
`accounts recover-admin NAME` (no PIN: proof of control of the
installation instead, storage/admin_recovery.py).

Changing a setting needs an admin: `--clinician NAME` and their PIN (commands/access.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.commands import app_of
from desktop_app.commands.access import Identity, find_clinician, read_new_pin, read_pin
from desktop_app.core.accounts import AccessDenied, parse_lock_minutes
from desktop_app.core.clinicians import Clinician
from desktop_app.workstation import db_argument

if TYPE_CHECKING:
    from desktop_app.storage.repository import Repository

SUPPRESS = argparse.SUPPRESS


def register(sub: Any) -> None:
    accounts = sub.add_parser("accounts", help="clinicians' PINs, admins and the idle lock")
    commands = accounts.add_subparsers(title="account commands", metavar="ACTION", dest="action")
    accounts.set_defaults(func=lambda args: accounts.print_help() or 2)
    listing = commands.add_parser("list", help="each clinician: PIN set, admin")
    listing.set_defaults(func=run_list)
    minutes = commands.add_parser(
        "lock-minutes",
        help="show the window's idle lock, or set it to N minutes (an admin, with --clinician)",
    )
    minutes.add_argument("minutes", nargs="?", metavar="N", help="1 to 240")
    minutes.set_defaults(func=run_lock_minutes)
    lift = commands.add_parser(
        "lift-lockout", help="let a clinician locked out after wrong PINs try again (an admin)"
    )
    lift.add_argument("name", metavar="NAME", help="the locked-out clinician (name or ID)")
    lift.set_defaults(func=run_lift_lockout)
    recover = commands.add_parser(
        "recover-admin",
        help="when no admin can unlock: make NAME an active admin with a new PIN (needs this "
        "installation's audit key; docs/accounts.md)",
    )
    recover.add_argument("name", metavar="NAME", help="the clinician (name or ID)")
    recover.add_argument(
        "--key-file",
        type=Path,
        metavar="FILE",
        help="the audit key copy kept apart from the backups (default: this installation's)",
    )
    recover.set_defaults(func=run_recover_admin)
    pin = commands.add_parser(
        "set-pin",
        help="give NAME a new PIN (your own with --clinician yourself, anyone's as an admin; "
        "the very first PIN makes its clinician the admin)",
    )
    pin.add_argument("name", metavar="NAME", help="whose PIN (name or ID)")
    pin.set_defaults(func=run_set_pin)
    role = commands.add_parser("set-admin", help="make NAME an admin (on) or not (off)")
    role.add_argument("name", metavar="NAME", help="the clinician (name or ID)")
    role.add_argument("admin", choices=("on", "off"))
    role.set_defaults(func=run_set_admin)
    for parser in commands.choices.values():  # as after any command (cli.py)
        parser.add_argument("--db", type=db_argument, default=argparse.SUPPRESS, help=SUPPRESS)
        parser.add_argument("--clinician", default=argparse.SUPPRESS, help=SUPPRESS)


def run_list(args: argparse.Namespace) -> int:
    from desktop_app.storage.database import defer_quick_check

    with defer_quick_check(), app_of(args).open_repository(read_only=True, must_exist=True) as repo:
        for c in repo.clinicians(include_inactive=True):
            until = repo.locked_out_until(c.id)
            marks = [
                "PIN" if repo.has_pin(c.id) else "no PIN",
                *(["admin"] if repo.is_admin(c.id) else []),
                *([f"locked out until {until.astimezone():%H:%M}"] if until else []),
                *([] if c.active else ["no longer works here"]),
            ]
            print(f"{c.id:>4}  {c.name}  ({', '.join(marks)})")
    return 0


def _admin(args: argparse.Namespace, repo: Repository) -> tuple[Clinician, str]:
    """The admin (and PIN) commands/access.py proved before the command ran; asked here only
    when it had no accounts to check (storage then refuses a clinician who is no admin)."""
    identity: Identity | None = getattr(args, "identity", None)
    if identity is not None:
        return identity.clinician, identity.pin
    name: str | None = getattr(args, "clinician", None)
    if not name:
        raise AccessDenied("This needs an admin: add --clinician NAME (you are asked for the PIN).")
    admin = find_clinician(repo, name)
    return admin, read_pin(admin.name)


def run_lock_minutes(args: argparse.Namespace) -> int:
    with app_of(args).open_repository(must_exist=True) as repo:
        if args.minutes is None:
            print(f"The window locks after {repo.lock_minutes()} idle minutes.")
            return 0
        minutes = parse_lock_minutes(args.minutes)
        admin, pin = _admin(args, repo)
        repo.save_lock_minutes(minutes, by=admin.id, by_pin=pin)
    print(f"The window now locks after {minutes} idle minutes (set by {admin.name}).")
    return 0


def run_lift_lockout(args: argparse.Namespace) -> int:
    with app_of(args).open_repository(must_exist=True) as repo:
        locked = find_clinician(repo, args.name, include_inactive=True)
        admin, pin = _admin(args, repo)
        lifted = repo.lift_lockout(locked.id, by=admin.id, by_pin=pin)
    if not lifted:
        print(f"{locked.name} was not locked out: nothing to lift.")
        return 0
    print(f"{locked.name} can use their PIN again (lock-out lifted by {admin.name}).")
    return 0


def run_recover_admin(args: argparse.Namespace) -> int:
    from desktop_app.storage import keys

    # The key as given (the kept copy) or this installation's; storage checks it is this
    # database's. keys._read gives the same messages as every other use of a key file.
    key = keys._read(args.key_file) if args.key_file else keys.load(create=False)
    with app_of(args).open_repository(must_exist=True) as repo:
        clinician = find_clinician(repo, args.name, include_inactive=True)
        recovered = repo.recover_admin(clinician.id, read_new_pin(clinician.name), key=key)
    print(
        f"{recovered.name} is an active admin again with the new PIN (audited as "
        '"recover admin"). Check the other clinicians and admins in Settings.'
    )
    return 0


def run_set_pin(args: argparse.Namespace) -> int:
    with app_of(args).open_repository(must_exist=True) as repo:
        target = find_clinician(repo, args.name)
        identity: Identity | None = getattr(args, "identity", None)
        first = not repo.accounts_in_use()
        by, by_pin = (target, None) if first or identity is None else _admin(args, repo)
        repo.set_pin(target.id, read_new_pin(target.name), by=by.id, by_pin=by_pin)
    made = " They are the first admin." if first else ""
    print(f"{target.name} has a new PIN (set by {by.name}).{made}")
    return 0


def run_set_admin(args: argparse.Namespace) -> int:
    with app_of(args).open_repository(must_exist=True) as repo:
        target = find_clinician(repo, args.name)
        admin, pin = _admin(args, repo)
        repo.set_admin(target.id, args.admin == "on", by=admin.id, by_pin=pin)
    role = "an admin" if args.admin == "on" else "no longer an admin"
    print(f"{target.name} is {role} (set by {admin.name}).")
    return 0
