"""Walk every screen in a process of its own, at the scaling QT_SCALE_FACTOR asks for.

Run by tests/gui/test_screen_scaling.py as `python -m tests.gui.screen_walk OUT.json` with the
offscreen platform set to a 1366x768 screen. The window opens as large as the screen's available
area; then the patient page, every tab of a follow-up visit with a raised red flag, an
examination item's details, a body-chart region's details and the signed visit are shown in turn.
An event filter on the application records the largest size and minimum size the window ever had,
also between two screens, and writes them with the screen's size as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication

from desktop_app.app import App
from desktop_app.core.observations import Mark
from desktop_app.gui.application import configure, open_window
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_editor import TABS


class Largest(QObject):
    """After every event: the largest window size and minimum size seen so far."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.size = (0, 0)
        self.minimum = (0, 0)
        self.where = {"size": "", "minimum": ""}
        self.step = "start"

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        size = self.window.size()
        least = self.window.minimumSize().expandedTo(self.window.minimumSizeHint())
        for key, now in (("size", size), ("minimum", least)):
            old = getattr(self, key)
            if now.height() > old[1] or now.width() > old[0]:
                setattr(self, key, (max(old[0], now.width()), max(old[1], now.height())))
                self.where[key] = self.step
        return False


def settle(app: QApplication) -> None:
    for _ in range(4):
        app.processEvents()


def main(out: Path) -> None:
    app = QApplication(sys.argv)
    configure(app)
    work = Path(tempfile.mkdtemp())
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work))
    window = open_window(App(db=work / "visits.sqlite3"))
    assert window is not None
    screen = app.primaryScreen().availableGeometry()
    window.resize(screen.size())
    largest = Largest(window)
    app.installEventFilter(largest)
    settle(app)

    ops = window.ops
    signer = ops.add_clinician("Alex Morgan", "Physiotherapist", "PH000000")
    patient = ops.create_patient("Zoë Łukasiewicz-Wiśniewska", dt.date(1974, 3, 14), "female", "")
    assert patient is not None and signer is not None
    presentations = list(ops.kb.presentations)
    first = ops.start_visit(patient, "initial", presentations)
    assert first is not None
    ops.save_measure(first.id, "nprs", {"current": 6})
    ops.sign(first.id, signer.id)
    second = ops.start_visit(patient, "follow_up", presentations)
    assert second is not None
    ops.save_measure(second.id, "nprs", {"current": 3})
    ops.save_answer(second.id, "saddle_anaesthesia", "yes")  # raises the emergency banner

    largest.step = "patient page"
    window.show_patient(patient.id)
    settle(app)
    window.open_visit(second.id)
    editor = window.editor
    for index, name in enumerate(TABS):
        largest.step = f"tab {name}"
        editor.tabs.setCurrentIndex(index)
        settle(app)
    largest.step = "examination details"
    editor.tabs.setCurrentIndex(TABS.index("Examination"))
    for row in editor.exam.rows.values():
        row.info.setChecked(True)
    settle(app)
    largest.step = "body-chart details"
    editor.tabs.setCurrentIndex(TABS.index("Body chart"))
    editor._mark_toggled(Mark("upper_outer_buttock", "pain", "right"), True)
    settle(app)
    largest.step = "patient page after the visit"
    window.show_patient(patient.id)
    settle(app)
    largest.step = "signed visit"
    window.open_visit(first.id)
    settle(app)
    out.write_text(
        json.dumps(
            {
                "screen": [screen.width(), screen.height()],
                "largest_size": largest.size,
                "largest_minimum": largest.minimum,
                "where": largest.where,
                "final": [window.width(), window.height()],
            }
        )
    )
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
