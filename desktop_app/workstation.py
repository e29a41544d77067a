"""Settings of this workstation that are not clinic data: the database chosen in Settings, a
file or a clinic server's connection URL (postgresql://…; its password never stored here),
and for each database the clinician who last signed here (offered first next time).

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
SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server(target: object) -> bool:
    """True for a clinic server's connection URL (postgresql://user@host/database)."""
    return isinstance(target, str) and target.startswith(SERVER_SCHEMES)


def db_argument(text: str) -> Path | str:
    """--db: a server URL as given, else a file path."""
    return text if is_server(text) else Path(text)


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


def chosen_server() -> str | None:
    """The clinic server chosen in Settings, or None."""
    chosen = _read().get(DATABASE_KEY)
    return chosen if is_server(chosen) else None


def chosen_database() -> Path | None:
    """The database file chosen in Settings, or None (also when a server is chosen)."""
    chosen = _read().get(DATABASE_KEY)
    return Path(chosen) if isinstance(chosen, str) and chosen and not is_server(chosen) else None


def choose_database(path: Path | str) -> None:
    """Use this database file or server URL from the next start (window and commands)."""
    value = path if is_server(path) else str(Path(path).absolute())
    _write({**_read(), DATABASE_KEY: value})


def server_url(explicit: Path | str | None) -> str | None:
    """The server to use: --db if it is a URL, else the one chosen in Settings (no --db)."""
    if explicit is not None:
        return explicit if isinstance(explicit, str) and is_server(explicit) else None
    return chosen_server()


def database_path(explicit: Path | str | None) -> Path:
    """The one rule: --db if given, else the file chosen in Settings, else the default."""
    if explicit is not None and not is_server(explicit):
        return Path(explicit)
    return chosen_database() or paths.default_database()


SIGNERS_KEY = "signers"  # database file -> ID of the clinician who last signed in it here


def last_signer(database: Path) -> int | None:
    """The clinician who last signed, amended or acknowledged in this database at this
    workstation: the one offered first next time."""
    signers = _read().get(SIGNERS_KEY)
    chosen = signers.get(str(Path(database).absolute())) if isinstance(signers, dict) else None
    return chosen if isinstance(chosen, int) and not isinstance(chosen, bool) else None


def remember_signer(database: Path, clinician_id: int) -> None:
    data = _read()
    signers = data.get(SIGNERS_KEY)
    signers = dict(signers) if isinstance(signers, dict) else {}
    signers[str(Path(database).absolute())] = clinician_id
    _write({**data, SIGNERS_KEY: signers})
