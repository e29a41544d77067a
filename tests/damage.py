"""A database that passes as closed cleanly but has wrecked b-tree pages, for quick_check tests."""

import datetime as dt
from pathlib import Path

from desktop_app.storage.repository import Repository

PAGE = 4096


def damage_database(db_path: Path, repo: Repository) -> None:
    """Put patients on several pages through `repo`, close it, then wreck two pages."""
    for n in range(300):
        repo.create_patient(f"Patient {n}", dt.date(1975, 6, 1), "unknown")
    repo.close()
    data = bytearray(db_path.read_bytes())
    data[3 * PAGE + 100 : 5 * PAGE] = b"\xff" * (2 * PAGE - 100)
    db_path.write_bytes(bytes(data))
