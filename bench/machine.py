"""The machine and software a run was measured on."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
import sys
from importlib import metadata
from pathlib import Path

LIBRARIES = ("PySide6-Essentials", "sqlite-utils", "reportlab", "pikepdf", "PyYAML")


def cpu_model() -> str:
    """The CPU's marketing name (from /proc/cpuinfo on Linux)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe() -> list[tuple[str, str]]:
    """(label, value) pairs for the header of bench/results.md."""
    rows = [
        ("Date (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")),
        ("CPU", cpu_model()),
        ("Cores", str(os.cpu_count())),
        ("OS", platform.platform()),
        ("Python", sys.version.split()[0]),
        ("SQLite", sqlite3.sqlite_version),
        ("Load average (1, 5, 15 min) at the end", _load()),
    ]
    rows.extend((name, _version(name)) for name in LIBRARIES)
    return rows


def _load() -> str:
    """Other work on the machine: a loaded machine inflates every figure, floors included."""
    try:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"
