"""The visit editor's "since last visit": the last scored visit before this one, by date and
then order of creation (as the editor's previous visit), never a later one on the same day."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from desktop_app.core.measures import format_change
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_editor import TABS
from desktop_app.gui.widgets import local_date
from tests.gui.flows import create_patient

COMPLAINT = "buttock_pain"


def test_since_last_visit_compares_with_the_visit_before_never_a_later_one(
    window: MainWindow, qtbot: QtBot
) -> None:
    create_patient(window, "Same Day Twice", QDate(1970, 4, 2))
    assert window.patient is not None
    repo, pid = window.ops.repo, window.patient.id
    scores = {}  # visit id -> NPRS
    for day, nprs in ((1, 8), (8, 6), (8, 3), (22, 2)):  # two visits on the 8th
        visit = repo.create_visit(pid, "follow_up", [COMPLAINT], dt.date(2026, 1, day))
        repo.save_measure(visit.id, "nprs", {"current": nprs})
        scores[visit.id] = nprs
    window.show_patient(pid)
    stored = repo.list_visits(pid)  # newest first, as the rows
    order = sorted(scores)  # creation order is date order here
    for row, visit in enumerate(stored):
        window.show_patient_page()
        table = window.page.table
        table.setFocus()
        table.setCurrentIndex(window.page.rows.index(row, 0))
        qtbot.keyClick(table, Qt.Key.Key_Return)
        editor = window.editor
        assert window.stack.currentWidget() is editor and editor.visit.id == visit.id
        editor.tabs.setCurrentIndex(TABS.index("Outcome measures"))
        label = re.sub("<[^>]+>", "", editor.measures.boxes["nprs"].score_label.text())
        before = order.index(visit.id)
        if before == 0:
            assert "since the last score" not in label, label
        else:
            last = order[before - 1]
            delta = scores[visit.id] - scores[last]
            day = local_date(repo.get_visit(last).visit_date)
            assert f"since the last score ({day}): {format_change(delta)} (" in label, label
