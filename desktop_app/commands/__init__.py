"""Command-line commands, one module per area; each exposes register(subparsers).

A command reads the knowledge base and opens the database only through the `App` that the
composition root (desktop_app.app) puts on the parsed arguments: the same rules as the window.
Every command is dispatched through `run_command`, which first asks commands.access who may run
it (the one table of which command needs a clinician's or an admin's PIN).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # commands never import the composition root (or the GUI) at run time
    from desktop_app.app import App

DENIED = 3  # exit code: a PIN or role refused (other user errors exit 2)


def app_of(args: argparse.Namespace) -> App:
    """The composition root's services, set by desktop_app.app.run before the command runs."""
    app: App = args.app
    return app


def run_command(args: argparse.Namespace) -> int:
    """Check who runs the command (commands/access.py), then run it as them."""
    from desktop_app.commands import access
    from desktop_app.core.accounts import AccessDenied

    try:
        args.identity = access.authorise(args)
        if args.identity is not None:
            app_of(args).acting = args.identity.clinician
        elif getattr(args, "clinician", None) and access.role_of(args) != access.NO_PIN:
            print(
                "note: no clinician of this database has a PIN yet, so --clinician is not "
                'checked: the command acts as "command line".',
                file=sys.stderr,
            )
        return int(args.func(args))
    except AccessDenied as exc:
        print(f"error: {exc}", file=sys.stderr)
        return DENIED
