"""Command-line interface: `python main.py COMMAND`. Each command lives in desktop_app.commands."""

from __future__ import annotations

import argparse
import importlib

from desktop_app import __version__
from desktop_app.workstation import db_argument

# Each module has register(subparsers) and sets `func` on its parsers.
COMMAND_MODULES = [
    "desktop_app.commands.knowledge",
    "desktop_app.commands.storage",
    "desktop_app.commands.server",
    "desktop_app.commands.export",
    "desktop_app.commands.exchange",
    "desktop_app.commands.validate",
    "desktop_app.commands.encryption",
    "desktop_app.commands.accounts",
]


def build_parser() -> argparse.ArgumentParser:
    # No fixed `prog`: argparse names the program actually run (main.py, gluteal-assess, ...).
    parser = argparse.ArgumentParser(
        description="Buttock and gluteal assessment for physiotherapists. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db",
        type=db_argument,
        default=None,
        help="database file (default: the user data directory), or a clinic server as "
        "postgresql://USER@HOST/DATABASE",
    )
    parser.add_argument(
        "--create",
        action="store_true",
        help="start a new, empty database where the --db file is missing or empty",
    )
    parser.add_argument(
        "--clinician",
        metavar="NAME",
        default=None,
        help="who runs the command once clinicians have PINs (the PIN is asked for, or taken "
        "from GLUTEAL_ASSESS_PIN)",
    )
    parser.set_defaults(func=None)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for name, command in sub.choices.items():  # `--db` is accepted before or after the command
        command.set_defaults(command=name)  # commands/access.py: which role it needs
        command.add_argument(
            "--db", type=db_argument, default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
        command.add_argument(
            "--create", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
        command.add_argument("--clinician", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser
