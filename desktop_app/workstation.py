"""Settings of this workstation that are not clinic data: the database file chosen in Settings.

Kept in a small JSON file in the user data directory, read by the window and every command
alike (no Qt), so the file chosen in Settings is the one `backup`, `verify`, `restore` and
`export-pdf` act on.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from desktop_app import paths

log = logging.getLogger(__name__)
DATABASE_KEY = "database"


def settings_file() -> Path:
    return paths.user_data_dir() / "workstation.json"


def _read() -> dict[str, Any]:
    try:
        data = json.loads(settings_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("workstation settings unreadable, using defaults: %s", type(exc).__name__)
        return {}
    return data if isinstance(data, dict) else {}


def _write(data: dict[str, Any]) -> None:
    path = settings_file()
    spare = path.with_suffix(".tmp")
    spare.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(spare, path)  # never a half-written file


def chosen_database() -> Path | None:
    """The database chosen in Settings, or None."""
    chosen = _read().get(DATABASE_KEY)
    return Path(chosen) if isinstance(chosen, str) and chosen else None


def choose_database(path: Path) -> None:
    """Use this database from the next start (of the window or of any command)."""
    _write({**_read(), DATABASE_KEY: str(Path(path).absolute())})


def database_path(explicit: Path | None) -> Path:
    """The one rule: --db if given, else the file chosen in Settings, else the default."""
    if explicit is not None:
        return Path(explicit)
    return chosen_database() or paths.default_database()
