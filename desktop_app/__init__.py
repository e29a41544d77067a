"""Gluteal assessment: an offline desktop app for physiotherapists assessing buttock complaints."""

import os
import sys


def _installed_version() -> str:
    """The installed distribution's version (pyproject.toml, as installed), found as
    importlib.metadata finds it (the first ``gluteal_assess-*.dist-info`` on sys.path) without
    importing it: importlib.metadata and the email package it loads were ~50 ms of every start
    (issue 17). Plain os calls, not pathlib: `main.py --version` imports nothing else."""
    for entry in sys.path:
        folder = entry or "."
        try:
            names = sorted(os.listdir(folder))
        except OSError:  # a zip file or a folder that is gone
            continue
        for name in names:
            if not (name.startswith("gluteal_assess-") and name.endswith(".dist-info")):
                continue
            try:
                with open(os.path.join(folder, name, "METADATA"), encoding="utf-8") as metadata:
                    lines = metadata.read().splitlines()
            except OSError:
                continue
            for line in lines:
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
    return "0+unknown"  # a bundle or a checkout without installing; see pyproject.toml


__version__ = _installed_version()


def version_line(program: str) -> str:
    """What `--version` prints: the program's name and the version."""
    return f"{program} {__version__}"
