"""Gluteal assessment: an offline desktop app for physiotherapists assessing buttock complaints."""

import sys
from pathlib import Path


def _installed_version() -> str:
    """The installed distribution's version (pyproject.toml, as installed), found as
    importlib.metadata finds it (the first ``gluteal_assess-*.dist-info`` on sys.path) without
    importing it: importlib.metadata and the email package it loads were ~50 ms of every start
    (issue 17)."""
    for entry in sys.path:
        folder = Path(entry or ".")
        for info in sorted(folder.glob("gluteal_assess-*.dist-info")):
            try:
                lines = (info / "METADATA").read_text(encoding="utf-8").splitlines()
            except OSError:
                continue
            for line in lines:
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
    return "0+unknown"  # a bundle or a checkout without installing; see pyproject.toml


__version__ = _installed_version()
