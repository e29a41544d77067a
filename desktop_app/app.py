"""Composition root: logging, paths, the knowledge base, then the GUI or a command."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Sequence

from desktop_app import paths
from desktop_app.cli import build_parser
from desktop_app.core.errors import AppError
from desktop_app.core.kb_loader import load_knowledge_base
from desktop_app.core.knowledge_base import KnowledgeBase

log = logging.getLogger(__name__)


def setup_logging() -> None:
    """A rotating log file in the user data directory. Never log patient identifiers or notes."""
    handler = logging.handlers.RotatingFileHandler(
        paths.log_dir() / "app.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def load_kb() -> KnowledgeBase:
    return load_knowledge_base(paths.KNOWLEDGE_BASE)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        setup_logging()
    except OSError as exc:  # a read-only home must not stop the app
        print(f"warning: no log file ({exc})", file=sys.stderr)
    if getattr(args, "func", None) is None:
        from desktop_app.gui.application import run_gui

        return run_gui(args)
    try:
        return int(args.func(args))
    except AppError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
