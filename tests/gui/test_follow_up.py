"""A follow-up as a physiotherapist does it: it starts from the last visit, typed in real widgets.

PSFS activities named and scored at the first visit come back named; the last positive test is
offered for re-test beside its last value and recorded only when the clinician says so; NPRS is
filled from the history's current pain only on request; a future visit date is refused.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QPushButton, QTableWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Mark
from desktop_app.gui.fields import date_format
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.trend_chart import TrendChart
from desktop_app.gui.visit_dialog import VisitDialog
from desktop_app.gui.visit_editor import TABS
from tests.gui.conftest import answer_dialog, press_ok
from tests.gui.flows import activate, click, create_patient, start_visit, type_into

COMPLAINT = "buttock_pain"


def _positive_test(kb: KnowledgeBase) -> str:
    return next(
        i.id
        for i in kb.exam_items_for([COMPLAINT])
        if i.sided and i.result_type == "binary" and not i.retired
    )


def _row(table: QTableWidget, first: str) -> int:
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == first)


def _cells(table: QTableWidget, row: int, start: int = 2) -> list[str]:
    return [table.item(row, c).text() for c in (start, start + 1)]


def _psfs(window: MainWindow) -> dict[str, float]:
    return window.ops.repo.get_visit(window.editor.visit.id).measures["psfs"].responses


def test_a_follow_up_starts_from_the_last_visit(
    qtbot: QtBot, window: MainWindow, kb: KnowledgeBase
) -> None:
    create_patient(window, "Maria Follow", QDate(1974, 3, 14))
    start_visit(window, [COMPLAINT])
    activate(qtbot, window)
    editor, repo = window.editor, window.ops.repo
    first = editor.visit.id
    # The first visit: two PSFS activities named and scored, typed as a user types.
    editor.tabs.setCurrentIndex(TABS.index("Outcome measures"))
    psfs = editor.measures.boxes["psfs"]
    type_into(qtbot, psfs.name_edits["activity_1"], "Climbing stairs")
    type_into(qtbot, psfs.name_edits["activity_2"], "Sitting in the car")
    type_into(qtbot, psfs.fields["activity_1"].edit, "4")
    type_into(qtbot, psfs.fields["activity_2"].edit, "6")
    editor.flush()
    stored = repo.get_visit(first)
    assert stored.measure_labels["psfs"] == {
        "activity_1": "Climbing stairs",
        "activity_2": "Sitting in the car",
    }
    assert stored.measures["psfs"].score == 5
    # A positive test on the left, and a body-chart mark.
    test = _positive_test(kb)
    editor.tabs.setCurrentIndex(TABS.index("Examination"))
    click(qtbot, editor.exam.rows[test].sides["left"].buttons.buttons["positive"])
    region = kb.body_chart.regions[0].id
    symptom = kb.body_chart.symptoms[0].id
    window.ops.toggle_mark(first, Mark(region, symptom, "left"), True)

    # The follow-up: the dialog ticks the last complaint and refuses tomorrow.
    def fill(dialog: VisitDialog) -> None:
        assert dialog.visit_type.currentData() == "follow_up"
        assert dialog.chosen() == [COMPLAINT]
        assert "carried forward" in dialog.carried.text()
        tomorrow = QDate.currentDate().addDays(1)
        field = dialog.visit_date
        field.edit.selectAll()
        qtbot.keyClicks(field.edit, QLocale().toString(tomorrow, date_format()))  # typed
        press_ok(dialog)
        assert dialog.isVisible() and "future" in field.message.text()  # refused at the field
        assert dialog.day() == dt.date.today()  # the date held is still today's
        press_ok(dialog)

    window.show_patient_page()
    seen = answer_dialog(VisitDialog, fill)
    window.new_visit()
    assert seen
    activate(qtbot, window)
    follow = repo.get_visit(window.editor.visit.id)
    assert follow.id != first and follow.visit_type == "follow_up"
    assert follow.visit_date == dt.date.today()
    assert follow.observations.presentations == (COMPLAINT,)
    assert follow.measure_labels["psfs"]["activity_1"] == "Climbing stairs"
    assert follow.observations.marks == (Mark(region, symptom, "left"),)
    assert test not in follow.observations.exam  # not copied as today's finding
    assert follow.measures == {}

    editor = window.editor
    psfs = editor.measures.boxes["psfs"]
    assert psfs.name_edits["activity_2"].text() == "Sitting in the car"
    assert "since the last score" not in psfs.score_label.text()  # not scored yet today
    editor.tabs.setCurrentIndex(TABS.index("Since last visit"))
    table = editor.progress.findings
    row = _row(table, kb.exam_items[test].name)
    assert _cells(table, row) == ["Positive", "not re-tested yet"]
    same = table.cellWidget(row, 4).findChildren(QPushButton)[1]
    assert same.text() == "Same as last visit"
    click(qtbot, same)
    assert repo.get_visit(follow.id).observations.exam[test] == {"left": "positive"}
    assert _cells(table, _row(table, kb.exam_items[test].name)) == ["Positive", "Positive"]

    # Scoring PSFS today shows the change beside the last score, rounded.
    editor.tabs.setCurrentIndex(TABS.index("Outcome measures"))
    for key, value in (("activity_1", "7"), ("activity_2", "8")):
        type_into(qtbot, psfs.fields[key].edit, value)
    assert "since the last score" in psfs.score_label.text()
    assert "+2.5 (better)" in psfs.score_label.text()
    assert repo.get_visit(follow.id).measures["psfs"].score == 7.5
    measures = editor.progress.measures
    assert _cells(measures, _row(measures, kb.measures["psfs"].name), 1) == ["5", "7.5"]


def test_nprs_is_filled_from_current_pain_only_when_asked(qtbot: QtBot, window: MainWindow) -> None:
    create_patient(window, "Pain Now", QDate(1980, 1, 1))
    start_visit(window, [COMPLAINT])
    activate(qtbot, window)
    editor, repo = window.editor, window.ops.repo
    nprs = editor.measures.boxes["nprs"]
    assert nprs.use_history.isHidden()
    editor.history.answerChanged.emit("current_pain", 7)  # as the history's scale emits it
    assert repo.get_visit(editor.visit.id).observations.answers["current_pain"] == 7
    assert "nprs" not in repo.get_visit(editor.visit.id).measures  # never silently
    editor.tabs.setCurrentIndex(TABS.index("Outcome measures"))
    assert not nprs.use_history.isHidden() and "7" in nprs.use_history.text()
    click(qtbot, nprs.use_history)
    assert repo.get_visit(editor.visit.id).measures["nprs"].score == 7
    assert nprs.use_history.isHidden()


def test_psfs_scores_out_of_range_are_not_held(qtbot: QtBot, window: MainWindow) -> None:
    create_patient(window, "Range Check", QDate(1980, 1, 1))
    start_visit(window, [COMPLAINT])
    activate(qtbot, window)
    editor = window.editor
    editor.tabs.setCurrentIndex(TABS.index("Outcome measures"))
    box = editor.measures.boxes["psfs"]
    field = box.fields["activity_1"]
    type_into(qtbot, field.edit, "6")
    assert _psfs(window) == {"activity_1": 6}
    type_into(qtbot, field.edit, "11")  # not bent to 1, and not saved
    assert field.edit.text() == "6" and field.message.isVisible()
    assert field.message.text() == "Not saved: 11 is out of range for Activity 1: 0 to 10."
    assert _psfs(window) == {"activity_1": 6}
    nprs = editor.measures.boxes["nprs"]
    type_into(qtbot, nprs.fields["current"].edit, "14")
    assert "nprs" not in window.ops.repo.get_visit(editor.visit.id).measures
    assert nprs.fields["current"].edit.text() == ""
    assert nprs.fields["current"].message.text().startswith("Not saved: 14 is out of range")
    type_into(qtbot, nprs.fields["current"].edit, "4.5")  # a scale of whole numbers
    assert "nprs" not in window.ops.repo.get_visit(editor.visit.id).measures
    assert "not a whole number" in nprs.fields["current"].message.text()


def test_trend_charts_scroll_instead_of_growing_the_window(window: MainWindow) -> None:
    """At 150 % on 1366x768 every chart added must not raise the page's minimum height."""
    create_patient(window, "Many Measures", QDate(1980, 1, 1))
    assert window.patient is not None
    repo = window.ops.repo
    for n in range(2):
        visit = repo.start_visit(
            window.patient.id, "follow_up" if n else "initial", None, [COMPLAINT]
        )
        repo.save_measure(visit.id, "nprs", {"current": 6 - n})
    window.show_patient(window.patient.id)
    one = window.page.minimumSizeHint().height()
    for n, visit_summary in enumerate(reversed(repo.list_visits(window.patient.id))):
        repo.save_measure(visit_summary.id, "psfs", {"activity_1": 3 + n})
        repo.save_measure(visit_summary.id, "visa_g", {"total": 40 + 10 * n})
    window.show_patient(window.patient.id)
    charts = window.page.trends.findChildren(TrendChart)
    assert len(charts) == 3
    assert window.page.minimumSizeHint().height() == one
