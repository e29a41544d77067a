"""The window's first frame is painted before the engine is imported (issue 17: only opening or
signing a visit needs core.diagnosis; the storage layer reads signed differentials as records),
and before sqlite-utils, the export code or the YAML parser (issue 17: none of them is needed
for the first screen of a first launch or of a returning user)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository

FIRST_PAINT = """
import json
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from desktop_app.app import App
from desktop_app.gui.application import configure, open_window
from desktop_app.gui.preferences import app_settings

app = QApplication([])
configure(app)
if len(sys.argv) > 2:  # a returning user: the last session ended on this patient's visit
    settings = app_settings()
    settings.setValue("last_patient", int(sys.argv[2]))
    settings.setValue("last_visit", int(sys.argv[3]))
    settings.sync()
window = open_window(App(db=Path(sys.argv[1])), reopen_after_paint=True)
window.repaint()
print(window.page.name.text() or "-", window.pending_visit is not None)
print(json.dumps(sorted(sys.modules)))
window.close()
"""
# What the first screen needs none of: the database toolkit and what it imports, the PDF code,
# the knowledge base's YAML parser (the knowledge base comes from its cache, after the paint).
SQLITE_UTILS = ("sqlite_utils", "click", "dateutil", "pluggy", "tabulate")
EXPORT = ("reportlab", "pikepdf", "yaml", "desktop_app.export")
LAUNCHES = ("returning user", "first launch", "new database")


def loaded(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)]


@pytest.fixture(scope="module", params=LAUNCHES)
def first_frame(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, kb: KnowledgeBase
) -> tuple[str, list[str], list[str]]:
    """(launch, the first line the script printed, the modules imported at the first paint)."""
    tmp_path = tmp_path_factory.mktemp("start")
    db = tmp_path / "visits.sqlite3"
    if request.param != "new database":  # the first launch on a clinic's existing file, or not
        with Repository.open(db, kb) as repo:
            repo.add_clinician("Dr Jane Roe", "Physiotherapist", "PH123456")
            patient = repo.create_patient("Eva Returning", dt.date(1970, 1, 2), "female")
            visit = repo.create_visit(patient.id, "initial", ["buttock_pain"])
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    args = [str(db)]
    if request.param == "returning user":  # the last session left the knowledge-base cache
        args += [str(patient.id), str(visit.id)]
        warm = "from desktop_app.app import App; App().knowledge_base()"
        subprocess.run([sys.executable, "-c", warm], check=True, timeout=120, env=env)
    out = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    ).stdout.splitlines()
    return request.param, out[0].split(), json.loads(out[1])


def test_a_returning_users_first_frame_is_painted_without_the_engine(
    first_frame: tuple[str, list[str], list[str]],
) -> None:
    launch, page, modules = first_frame
    if launch == "returning user":  # the patient page painted, the visit still to open
        assert page == ["Eva", "Returning", "True"]
    else:  # the welcome page: no patient was open when the app last closed
        assert page == ["-", "False"]
    assert loaded(modules, ("desktop_app.core.diagnosis",)) == []


def test_the_first_frame_imports_no_export_code_and_no_yaml(
    first_frame: tuple[str, list[str], list[str]],
) -> None:
    assert loaded(first_frame[2], EXPORT) == []


def test_the_first_frame_imports_no_sqlite_utils(
    first_frame: tuple[str, list[str], list[str]],
) -> None:
    if first_frame[0] == "new database":
        pytest.skip("a new file is migrated first, by sqlite-utils' Migrations")
    assert loaded(first_frame[2], SQLITE_UTILS) == []
