"""The core, storage and export run without Qt: checked in a fresh interpreter."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import desktop_app

QT_FREE = ("desktop_app.core", "desktop_app.storage", "desktop_app.export")


def test_core_storage_and_export_import_no_qt():
    modules = [
        m.name
        for m in pkgutil.walk_packages(desktop_app.__path__, "desktop_app.")
        if m.name.startswith(QT_FREE)
    ]
    assert "desktop_app.core.diagnosis" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_import_contracts_hold():
    """import-linter: no Qt below the GUI, and layers point one way (pyproject.toml)."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
