"""A killed app loses nothing that was on screen: reopening shows the same visit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from desktop_app.core.observations import Mark
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_editor import TABS

# Runs in a child process that SIGKILLs itself in the middle of the visit.
CHILD = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    from desktop_app.core.observations import Mark
    from desktop_app.app import App
    from desktop_app.gui.application import configure, open_window

    app = QApplication([])
    configure(app)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
    window = open_window(App(db=__import__("pathlib").Path(sys.argv[1])))
    ops = window.ops
    patient = ops.create_patient("Killed Midvisit", dt.date(1970, 1, 1), "male")
    window.show_patient(patient.id)
    visit = ops.start_visit(patient, "initial", ["gluteal_depression"])
    window.open_visit(visit.id)
    editor = window.editor
    editor.history.rows["injection_history"].input.buttons.buttons["yes"].click()
    editor.exam.rows["gt_palpation"].sides["left"].buttons.buttons["positive"].click()
    editor._mark_toggled(Mark("upper_outer_buttock", "depression", "left"), True)
    editor.plan.edit.setPlainText("Reassure; review in 6 weeks")
    editor.plan.flush()  # what a pause in typing does
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_reopening_after_a_kill_shows_the_visit_as_it_was(
    open_app: Callable[[], MainWindow], db_path: Path, tmp_path: Path
) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(db_path), str(tmp_path / "ini")],
        env=env,
        cwd=Path(__file__).parents[2],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == -9, result.stderr.decode()[-2000:]
    window = open_app()  # same QSettings folder as the child (the gui_settings fixture)
    assert not window.ops.repo.read_only  # the dead copy's writer lock went with it
    editor = window.editor
    assert window.stack.currentWidget() is editor
    assert editor.history.rows["injection_history"].input.buttons.buttons["yes"].isChecked()
    editor.tabs.setCurrentIndex(TABS.index("Examination"))
    assert editor.exam.rows["gt_palpation"].sides["left"].buttons.buttons["positive"].isChecked()
    assert Mark("upper_outer_buttock", "depression", "left") in editor.chart.marks
    assert editor.plan.edit.toPlainText() == "Reassure; review in 6 weeks"
