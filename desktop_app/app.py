"""Composition root: logging, the knowledge base, the database rule and the actor, then the GUI
or a command.

Everything that opens the database goes through `App.open_repository`: the window, every
command and a restore that reopens the file. The knowledge base is loaded once per process.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app import workstation
from desktop_app.cli import parse_arguments
from desktop_app.core.errors import AppError
from desktop_app.storage.errors import DatabaseMissing

if TYPE_CHECKING:
    from desktop_app.core.clinicians import Clinician
    from desktop_app.core.knowledge import KnowledgeBase
    from desktop_app.storage.repository import Repository

log = logging.getLogger(__name__)
GUI_ACTOR = "clinician"
COMMAND_ACTOR = "command line"


def setup_logging() -> None:
    """A rotating log file in the user data directory. Never log patient identifiers or notes."""
    from desktop_app import paths  # not imported by --version (platformdirs, resources)
    from desktop_app.storage.private import PrivateRotatingFileHandler  # files 0600

    handler = PrivateRotatingFileHandler(
        paths.log_dir() / "app.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


@dataclass
class App:
    """What the window and the commands are given: one knowledge base, one database, the actor."""

    db: Path | str | None = None  # --db (a file or a server URL); None: Settings, else default
    actor: str = GUI_ACTOR  # who the audit log names for this process
    create: bool = False  # --create: a new database where one was before (storage/impostor.py)
    kb: KnowledgeBase | None = field(default=None, repr=False)  # loaded on first use, once
    acting: Clinician | None = None  # the clinician a command runs as (commands/access.py)

    def knowledge_base(self) -> KnowledgeBase:
        """The shipped knowledge base, loaded (and validated) once; cached between starts."""
        if self.kb is None:
            from desktop_app import paths
            from desktop_app.core import kb_cache  # not needed by --version or most commands

            self.kb = kb_cache.load(paths.KNOWLEDGE_BASE, paths.cache_dir())
        return self.kb

    def database_path(self) -> Path:
        """--db, else the file chosen in Settings, else the default (workstation.py)."""
        return workstation.database_path(self.db)

    def server_url(self) -> str | None:
        """The clinic server (PostgreSQL) to use instead of a file: --db, else Settings."""
        return workstation.server_url(self.db)

    def open_repository(self, *, read_only: bool = False, must_exist: bool = False) -> Repository:
        """Open (and migrate) the database; `must_exist` refuses to create a missing file.

        The one place that chooses the engine: a server URL opens the clinic server (the audit
        actor is then the clinician's own database role), anything else the SQLite file.
        """
        from desktop_app.storage.repository import Repository  # sqlite-utils only when needed

        url = self.server_url()
        if url is not None:
            repo = Repository.open_server(url, self.knowledge_base, read_only=read_only)
            if self.acting is not None:
                repo.act_as(self.acting.id)
            return repo

        path = self.database_path()
        from desktop_app.storage.impostor import is_empty, refuse

        if must_exist and (not path.is_file() or is_empty(path)):
            refuse(path, allow_fresh=False)  # names the latest backup if a database was there
            raise DatabaseMissing(f"There is no database at {path}. Check the --db path.")
        return Repository.open(
            path,
            self.knowledge_base,  # loaded on first use: the window's first screen needs none
            actor=self.acting.actor if self.acting is not None else self.actor,
            read_only=read_only,
            create=self.create and not must_exist,
        )


def run(args: argparse.Namespace) -> int:
    """Start the window (no command) or run the command; user errors print one line."""
    if getattr(args, "func", None) is None:
        from desktop_app.gui.application import run_gui

        return run_gui(App(db=args.db, actor=GUI_ACTOR, create=args.create))
    args.app = App(db=args.db, actor=COMMAND_ACTOR, create=args.create)
    from desktop_app.commands import run_command  # who may run it, then the command

    try:
        return run_command(args)
    except AppError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    try:
        setup_logging()
    except OSError as exc:  # a read-only home must not stop the app
        print(f"warning: no log file ({exc})", file=sys.stderr)
    return run(args)
