"""Who runs a command: the clinician named by `--clinician NAME` and their PIN, typed at a
terminal prompt (never echoed) or, for scripts, taken from GLUTEAL_ASSESS_PIN. Never from the
command line itself, where other users could read it in the process list."""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING

from desktop_app.core.accounts import AccessDenied
from desktop_app.core.clinicians import Clinician
from desktop_app.core.errors import InvalidObservation

if TYPE_CHECKING:
    from desktop_app.storage.repository import Repository

PIN_ENV = "GLUTEAL_ASSESS_PIN"


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
    """A new PIN from GLUTEAL_ASSESS_PIN, else typed twice at the terminal."""
    if os.environ.get(PIN_ENV) is not None or not sys.stdin.isatty():
        return read_pin(f"the new PIN for {whose}: {whose}")
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
