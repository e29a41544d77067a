"""Migration 0004: the clinician named in Settings before it becomes the first clinician."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from desktop_app.core.clinicians import Clinician
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.database import migration_names, migrations
from desktop_app.storage.repository import Repository


def _old_database(path: Path, settings: dict[str, str]) -> None:
    old = Database(sqlite3.connect(path))
    migrations().apply(old, stop_before=[n for n in migration_names() if n >= "0004"])
    for key, value in settings.items():
        old.execute("INSERT INTO settings VALUES (?, ?)", [key, json.dumps(value)])
    old.conn.close()


def test_the_settings_clinician_becomes_the_first_clinician(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    path = tmp_path / "old.sqlite3"
    _old_database(
        path,
        {
            "clinic_name": "Riverside",
            "clinician_name": " Alex Morgan ",
            "registration_number": "PH1",
        },
    )
    with Repository.open(path, kb) as repo:
        assert repo.clinicians() == [Clinician(1, "Alex Morgan", "", "PH1")]
        assert repo.settings().clinic_name == "Riverside"
        assert not repo.needs_set_up()
        keys = {r[0] for r in repo.db.execute("SELECT key FROM settings").fetchall()}
        assert "clinician_name" not in keys and "registration_number" not in keys


def test_without_a_settings_clinician_the_set_up_is_still_needed(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    path = tmp_path / "old.sqlite3"
    _old_database(path, {"clinic_name": "Riverside", "clinician_name": ""})
    with Repository.open(path, kb) as repo:
        assert repo.clinicians(include_inactive=True) == []
        assert repo.needs_set_up()
