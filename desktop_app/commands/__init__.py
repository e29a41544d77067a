"""Command-line commands, one module per area; each exposes register(subparsers).

A command reads the knowledge base and opens the database only through the `App` that the
composition root (desktop_app.app) puts on the parsed arguments: the same rules as the window.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # commands never import the composition root (or the GUI) at run time
    from desktop_app.app import App


def app_of(args: argparse.Namespace) -> App:
    """The composition root's services, set by desktop_app.app.run before the command runs."""
    app: App = args.app
    return app
