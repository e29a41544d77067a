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
from urllib.parse import urlsplit

from desktop_app.core.errors import InvalidObservation

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
    from desktop_app import paths  # `main.py --version` imports this module, not platformdirs

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


def clean_server_url(text: str) -> str:
    """A clinic server's connection URL as typed, checked; InvalidObservation saying what is wrong.

    A password is refused: it would sit in plain text in workstation.json. libpq reads it from
    the user's pgpass file (~/.pgpass, or PGPASSFILE) or a service file (?service=NAME).
    """
    url = text.strip()
    if not is_server(url):
        raise InvalidObservation(
            "Enter the clinic server as postgresql://ROLE@SERVER/DATABASE (for example "
            "postgresql://Ann%20Smith@clinic-server/gluteal)."
        )
    parts = urlsplit(url)
    if parts.password is not None or "password=" in parts.query.lower():
        raise InvalidObservation(
            "Leave the password out of the URL: it would be stored in plain text. Keep it in "
            "your pgpass file (~/.pgpass; see docs/clinic-server.md)."
        )
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise InvalidObservation(f"The port in {parts.netloc} is not a number.") from None
    if not parts.path.strip("/") and "service=" not in parts.query.lower():
        raise InvalidObservation("Add the database name after the server: …@SERVER/DATABASE.")
    return url


def choose_server(text: str) -> str:
    """Use this clinic server from the next start (window and commands); the URL as saved."""
    url = clean_server_url(text)
    choose_database(url)
    return url


def server_url(explicit: Path | str | None) -> str | None:
    """The server to use: --db if it is a URL, else the one chosen in Settings (no --db)."""
    if explicit is not None:
        return explicit if isinstance(explicit, str) and is_server(explicit) else None
    return chosen_server()


def database_path(explicit: Path | str | None) -> Path:
    """The one rule: --db if given, else the file chosen in Settings, else the default."""
    if explicit is not None and not is_server(explicit):
        return Path(explicit)
    from desktop_app import paths

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
