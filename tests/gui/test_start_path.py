"""The window's first frame is painted before the engine is imported (issue 17: only opening or
signing a visit needs core.diagnosis; the storage layer reads signed differentials as records)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository

FIRST_PAINT = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from desktop_app.app import App
from desktop_app.gui.application import configure, open_window
from desktop_app.gui.preferences import app_settings

app = QApplication([])
configure(app)
settings = app_settings()  # a returning user: the last session ended on this patient's visit
settings.setValue("last_patient", int(sys.argv[2]))
settings.setValue("last_visit", int(sys.argv[3]))
settings.sync()
window = open_window(App(db=Path(sys.argv[1])), reopen_after_paint=True)
window.repaint()
print(window.page.name.text(), window.pending_visit is not None)
print(sorted(m for m in sys.modules if m.startswith("desktop_app.core.diagnosis")))
window.close()
"""


def test_a_returning_users_first_frame_is_painted_without_the_engine(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    db = tmp_path / "visits.sqlite3"
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
    args = [str(db), str(patient.id), str(visit.id)]
    out = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    ).stdout.splitlines()
    assert out[0] == "Eva Returning True"  # the patient page painted, the visit still to open
    assert out[1] == "[]"
