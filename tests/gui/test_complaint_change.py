"""Changing the presenting complaint re-arranges the forms' rows, made once (issue 17): the rows
shown, their order on screen and for Tab, and the answers they show are those of a form built anew
for the chosen complaints."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_editor import TABS, VisitEditor
from tests.gui import test_tab_order as tab
from tests.gui.flows import activate, click, create_patient, start_visit


def _on_screen(rows: dict[str, QWidget]) -> list[str]:
    """The shown rows from top to bottom (of the tab shown)."""
    shown = [pid for pid, row in rows.items() if row.isVisible()]
    return sorted(shown, key=lambda pid: rows[pid].y())


def _laid_out(form: QWidget, rows: dict[str, QWidget]) -> list[str]:
    """The rows not hidden, in the form's layout order (a tab not shown has no positions)."""
    layout = form.layout()
    shown = [pid for pid, row in rows.items() if not row.isHidden()]
    return sorted(shown, key=lambda pid: layout.indexOf(rows[pid]))


def _check_history(editor: VisitEditor, kb: KnowledgeBase, qtbot: QtBot) -> None:
    chosen = editor.obs.presentations
    by_topic: dict[str, list[str]] = {}  # one heading per topic, in first-asked order
    for prompt in kb.prompts_for(chosen):
        by_topic.setdefault(prompt.topic, []).append(prompt.id)
    expected = [pid for group in by_topic.values() for pid in group]
    assert list(editor.history.rows) == expected
    qtbot.wait(50)  # the layout pass after the change
    shown = _on_screen(editor.history.rows)  # type: ignore[arg-type]
    assert shown == [pid for pid in expected if pid in shown]
    assert _laid_out(editor.history, editor.history.rows) == shown  # type: ignore[arg-type]
    for made in editor.history._made.values():
        if made.prompt.id not in expected:
            assert not made.isVisible()  # another complaint's question stays out of sight
    by_region: dict[str, list[str]] = {}
    for item in kb.exam_items_for(chosen):
        by_region.setdefault(item.region, []).append(item.id)
    exam = [iid for group in by_region.values() for iid in group]
    assert list(editor.exam.rows) == exam
    assert _laid_out(editor.exam, editor.exam.rows) == exam  # type: ignore[arg-type]
    assert all(row.isHidden() for iid, row in editor.exam._made.items() if iid not in exam)


def test_a_complaint_change_shows_the_rows_of_the_chosen_complaints_in_order(
    qtbot: QtBot, open_app, kb: KnowledgeBase
) -> None:
    first, second = list(kb.presentations)[:2]
    window: MainWindow = open_app()
    create_patient(window, "Cora Lind", QDate(1966, 2, 14))
    start_visit(window, [second])
    editor = window.editor
    activate(qtbot, window)
    editor.tabs.setCurrentIndex(TABS.index("History"))
    _check_history(editor, kb, qtbot)
    before = dict(editor.history.rows)
    of_first = {p.id for p in kb.prompts_for([first])}
    extra = next(  # a question of the second complaint only
        p
        for p in kb.prompts_for([second])
        if p.answer_type == "yes_no" and p.show_when is None and p.id not in of_first
    )
    click(qtbot, editor.history.rows[extra.id].input.buttons.buttons["yes"])

    click(qtbot, editor.presentation_boxes[first])  # both: the first complaint's order leads
    assert editor.obs.presentations == (first, second)
    _check_history(editor, kb, qtbot)
    assert all(editor.history.rows[pid] is row for pid, row in before.items())  # moved, not made
    order = tab.tab_round(qtbot, editor.back)
    targets = [editor.history.rows[pid].input.focus_target() for pid in _on_screen(before)]
    positions = [order.index(t) for t in targets if t in order]
    assert positions == sorted(positions)  # Tab follows the new order on screen

    click(qtbot, editor.presentation_boxes[second])  # the first complaint only
    assert editor.obs.presentations == (first,)
    _check_history(editor, kb, qtbot)
    assert extra.id not in editor.history.rows

    click(qtbot, editor.presentation_boxes[second])
    _check_history(editor, kb, qtbot)
    row = editor.history.rows[extra.id]
    assert (
        row is before[extra.id] and row.input.buttons.value() == "yes"
    )  # the stored answer, shown
    assert window.ops.repo.get_visit(editor.visit.id).observations.answers[extra.id] == "yes"
