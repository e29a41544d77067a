"""The measures tab says which measure suits the current differential ("Suggested for …")."""

from __future__ import annotations

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from desktop_app.gui.main_window import MainWindow
from tests.gui.flows import activate, create_patient, start_visit


def test_a_recorded_finding_shows_which_measure_suits_it(qtbot: QtBot, window: MainWindow) -> None:
    create_patient(window, "Measure Tester", QDate(1970, 5, 1))
    start_visit(window, ["buttock_pain"])
    activate(qtbot, window)
    editor = window.editor
    boxes = editor.measures.boxes
    assert boxes["visa_g"].suggestion.isHidden()
    assert boxes["nprs"].suggestion.text() == "Suggested for every patient"
    editor.history.rows["lateral_hip_pain"].input.buttons.buttons["yes"].click()
    qtbot.waitUntil(lambda: not boxes["visa_g"].suggestion.isHidden())
    assert boxes["visa_g"].suggestion.text().startswith("Suggested for Gluteal tendinopathy")
    assert boxes["rmdq"].suggestion.isHidden()
