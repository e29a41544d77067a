"""Who runs a command, and which command needs whom (ROLES, the one place).

Once clinicians of the database have PINs, a command that reveals or changes records runs as
the clinician named by `--clinician NAME`, and an admin-only command needs an admin. The PIN is
typed at a terminal prompt (never echoed) or, for scripts, taken from GLUTEAL_ASSESS_PIN; never
from the command line itself, where other users could read it in the process list. Wrong PINs
count towards the lock-out and are audited like any other (storage/pin_checks.py).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop_app.commands import app_of
from desktop_app.core.accounts import AccessDenied
from desktop_app.core.clinicians import Clinician
from desktop_app.core.errors import InvalidObservation

if TYPE_CHECKING:
    from desktop_app.storage.repository import Repository

PIN_ENV = "GLUTEAL_ASSESS_PIN"
NEW_PIN_ENV = "GLUTEAL_ASSESS_NEW_PIN"  # a new PIN (set-pin, recover-admin) in a script


def read_pin(whose: str) -> str:
    """The PIN from GLUTEAL_ASSESS_PIN, else typed at the terminal; AccessDenied without one."""
    pin = os.environ.get(PIN_ENV)
    if pin is not None:
        return pin
    if not sys.stdin.isatty():
        raise AccessDenied(
            f"This command needs {whose}'s PIN: run it at a terminal to be asked for it, or set "
            f"{PIN_ENV} for a script."
        )
    try:
        return getpass.getpass(f"{whose}'s PIN: ")
    except (EOFError, KeyboardInterrupt):
        raise AccessDenied("No PIN was typed. Nothing was done.") from None


def read_new_pin(whose: str) -> str:
    """A new PIN from GLUTEAL_ASSESS_NEW_PIN, else typed twice at the terminal."""
    pin = os.environ.get(NEW_PIN_ENV)
    if pin is not None:
        return pin
    if not sys.stdin.isatty():
        raise AccessDenied(
            f"Type the new PIN for {whose} at a terminal, or set {NEW_PIN_ENV} for a script."
        )
    try:
        first = getpass.getpass(f"New PIN for {whose}: ")
        again = getpass.getpass("The same PIN again: ")
    except (EOFError, KeyboardInterrupt):
        raise AccessDenied("No PIN was typed. Nothing was done.") from None
    if first != again:
        raise AccessDenied("The two PINs differ. Nothing was done.")
    return first


def find_clinician(repo: Repository, name: str, *, include_inactive: bool = False) -> Clinician:
    """The clinician called `name` (any case) or with that ID; a message naming who there is."""
    everyone = repo.clinicians(include_inactive=include_inactive)
    wanted = " ".join(name.split()).casefold()
    found = [c for c in everyone if c.name.casefold() == wanted or str(c.id) == wanted]
    if len(found) == 1:
        return found[0]
    if found:
        raise InvalidObservation(
            f"More than one clinician is called {name}: give the ID instead ("
            + ", ".join(f"{c.id}" for c in found)
            + ")."
        )
    known = ", ".join(c.name for c in everyone) or "none yet"
    raise InvalidObservation(f"There is no clinician called {name} (clinicians: {known}).")


# -- which command needs which role: the one place --------------------------------------------

NO_PIN, CLINICIAN, ADMIN = "no PIN", "clinician", "admin"
Role = str
ROLES: dict[str, Role | Callable[[argparse.Namespace], Role]] = {
    # No database, or nothing of a patient's record revealed or changed.
    "kb": NO_PIN,
    "assess": NO_PIN,  # a case file, never the database
    "validate": NO_PIN,
    "verify": NO_PIN,  # says whether the records are intact, shows none of them
    "migrate": NO_PIN,  # a server's schema: only its owner's login can (that is the proof)
    "accounts": NO_PIN,  # the list of account commands
    "accounts list": NO_PIN,  # names, who has a PIN and who is an admin
    "accounts recover-admin": NO_PIN,  # control of the installation instead (no PIN can work)
    "forget-passphrase": NO_PIN,  # only ever makes this computer ask for the passphrase again
    "accounts lock-minutes": lambda args: NO_PIN if args.minutes is None else ADMIN,
    # Reveal or change records: a clinician of this database, with their PIN.
    "backup": CLINICIAN,
    "demo-data": CLINICIAN,
    "export-pdf": CLINICIAN,
    "export-fhir": CLINICIAN,
    "export-csv": CLINICIAN,
    "import-patients": CLINICIAN,
    # Replace, re-key or copy out the whole database, or manage accounts: an admin.
    "restore": ADMIN,
    "rekey": ADMIN,
    "encrypt-copy": ADMIN,
    "decrypt-export": ADMIN,
    "remember-passphrase": ADMIN,  # opens the encrypted file here without its passphrase
    "migrate-to-server": ADMIN,
    "clinician-role": ADMIN,
    "accounts lift-lockout": ADMIN,
    "accounts set-admin": ADMIN,
    # Their own PIN with the current one, anyone's as an admin (storage decides which).
    "accounts set-pin": CLINICIAN,
}


def command_name(args: argparse.Namespace) -> str:
    """'backup', 'accounts lock-minutes': the command as typed (cli.py sets `command`)."""
    name = str(getattr(args, "command", ""))
    action = getattr(args, "action", None)
    return f"{name} {action}" if action else name


def role_of(args: argparse.Namespace) -> Role:
    """The role a command needs; a command missing from ROLES needs a clinician (the safe side)."""
    role = ROLES.get(command_name(args), CLINICIAN)
    return role(args) if callable(role) else role


@dataclass(frozen=True)
class Identity:
    """Who runs this command, proved by their PIN (kept for the command's own admin acts)."""

    clinician: Clinician
    pin: str = field(repr=False)


def authorise(args: argparse.Namespace) -> Identity | None:
    """Before a command runs: once clinicians of its database have PINs, the clinician (or
    admin) the command needs, named by --clinician and proved by their PIN; else None (the
    workstation as before: the command acts as "command line").

    A missing database, or one that cannot be opened at all, has no accounts to check: the
    command then says what is wrong itself (or, for `restore`, replaces it).
    """
    role = role_of(args)
    if role == NO_PIN:
        return None
    from desktop_app.core.errors import AppError
    from desktop_app.storage.database import defer_quick_check

    app = app_of(args)
    try:
        with defer_quick_check(), app.open_repository(must_exist=True) as repo:
            if not repo.accounts_in_use() or repo.is_server_owner():
                return None  # no PINs yet; or a server's owner login, an admin by itself
            return _prove(repo, args, role)
    except AccessDenied:
        raise
    except AppError:  # missing, damaged, or a passphrase needed: no accounts can be read
        return None


def _prove(repo: Repository, args: argparse.Namespace, role: Role) -> Identity:
    command = command_name(args)
    who = "an admin" if role == ADMIN else "a clinician of this database"
    name: str | None = getattr(args, "clinician", None)
    if not name:
        raise AccessDenied(
            f"`{command}` needs {who}: add --clinician NAME (the PIN is asked for at the "
            f"terminal, or taken from {PIN_ENV})."
        )
    if repo.read_only:  # a wrong PIN could not be counted or audited
        raise AccessDenied(
            f"`{command}` needs {who}'s PIN, and this copy cannot record PIN attempts: "
            f"{repo.read_only_reason}"
        )
    clinician = find_clinician(repo, name)
    pin = read_pin(clinician.name)
    if role == ADMIN:
        repo.check_admin(clinician.id, pin)
    else:
        repo.check_pin(clinician.id, pin, "command PIN")
    return Identity(clinician, pin)
