"""Command-line interface: `python main.py COMMAND`. Each command lives in desktop_app.commands."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from desktop_app import version_line
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


class _NotTheWindow(Exception):
    """Raised by the window's parser for anything it does not take: the full parser decides."""


class _WindowParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotTheWindow(message)


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The arguments; starting the window imports none of the command modules.

    Importing them all (export, exchange, validation, accounts, ...) to build the subcommands
    cost ~15 % of a cold start (issue 17). The window's options are parsed first; a command,
    --help or anything else goes through the full parser, with its usual messages.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    if not {"-h", "--help"} & set(words):
        try:
            args, rest = build_parser(commands=False).parse_known_args(words)
        except _NotTheWindow:
            rest = ["?"]
        if not rest:
            return args
    return build_parser().parse_args(words)


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The parser of main.py; commands=False: the window's options only (no help option)."""
    # No fixed `prog`: argparse names the program actually run (main.py, gluteal-assess, ...).
    parser = (argparse.ArgumentParser if commands else _WindowParser)(
        description="Buttock and gluteal assessment for physiotherapists. "
        "Without a command, opens the window.",
        add_help=commands,
    )
    parser.add_argument("--version", action="version", version=version_line("%(prog)s"))
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
    if not commands:
        return parser
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
