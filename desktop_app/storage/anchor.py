"""The audit chain's head kept outside the database, in the user data directory."""

from __future__ import annotations

import hashlib
from pathlib import Path

from desktop_app import paths

FOLDER = "anchors"


def anchor_file(db_path: Path) -> Path:
    """Where the head of the database at db_path is kept (one small file per database path)."""
    key = hashlib.sha256(str(Path(db_path).resolve()).encode("utf-8")).hexdigest()[:32]
    return paths.user_data_dir() / FOLDER / f"{key}.json"
