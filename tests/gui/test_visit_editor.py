"""Visit editor behaviour: show-when rules, next best test, autosave, measures, live refresh."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase, Prompt
from desktop_app.core.predicates import AnswerIs
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.patient_page import TrendChart
from desktop_app.gui.visit_editor import TABS
from tests.gui.flows import activate, click, create_patient, start_visit, type_into


@pytest.fixture
def visit_window(qtbot: QtBot, window: MainWindow) -> MainWindow:
    create_patient(window, "Edit Tester", QDate(1980, 1, 1))
    start_visit(window, ["gluteal_depression"])
    activate(qtbot, window)
    return window


def _conditional_prompt(kb: KnowledgeBase, presentation: str) -> tuple[Prompt, str, str]:
    """A prompt shown only when a yes/no prompt of the same presentation equals a value."""
    prompts = {p.id: p for p in kb.prompts_for([presentation])}
    for prompt in prompts.values():
        rule = prompt.show_when
        if (
            isinstance(rule, AnswerIs)
            and rule.op == "equals"
            and rule.prompt_id in prompts
            and prompts[rule.prompt_id].answer_type == "yes_no"
        ):
            return prompt, rule.prompt_id, str(rule.operand)
    raise AssertionError("the knowledge base has no yes/no show-when rule to test")


def test_show_when_rules_apply_live(visit_window: MainWindow, kb: KnowledgeBase) -> None:
    history = visit_window.editor.history
    prompt, parent, value = _conditional_prompt(kb, "gluteal_depression")
    assert history.rows[prompt.id].isHidden()
    history.rows[parent].input.buttons.buttons[value].click()
    assert not history.rows[prompt.id].isHidden()
    history.rows[parent].input.buttons.buttons[value].click()  # clicking again clears it
    assert history.rows[prompt.id].isHidden()
    stored = visit_window.ops.repo.get_visit(visit_window.editor.visit.id).observations
    assert parent not in stored.answers


def test_next_best_test_goes_to_the_item(qtbot: QtBot, visit_window: MainWindow) -> None:
    editor = visit_window.editor
    editor.tabs.setCurrentIndex(TABS.index("Plan"))
    suggestion = editor.differential.next_tests[0]
    click(qtbot, editor.panel.next_buttons[0])
    expected = "History" if suggestion.kind == "answer" else "Examination"
    assert editor.tabs.tabText(editor.tabs.currentIndex()) == expected
    focus = QApplication.focusWidget()
    row = (editor.history.rows if suggestion.kind == "answer" else editor.exam.rows)[
        suggestion.item_id
    ]
    assert focus is not None and row.isAncestorOf(focus)


def test_free_text_is_saved_after_a_pause_without_leaving_the_field(
    qtbot: QtBot, visit_window: MainWindow
) -> None:
    editor = visit_window.editor
    editor.tabs.setCurrentIndex(TABS.index("Plan"))
    editor.plan.edit.setFocus()
    qtbot.keyClicks(editor.plan.edit, "Gluteal loading programme")
    repo, visit_id = visit_window.ops.repo, editor.visit.id
    qtbot.waitUntil(lambda: repo.get_visit(visit_id).plan == "Gluteal loading programme")
    assert editor.plan.edit.hasFocus()


def test_measure_change_since_last_visit_and_trend(
    qtbot: QtBot, visit_window: MainWindow, kb: KnowledgeBase, yes: object
) -> None:
    measure = kb.measures["nprs"]
    first = visit_window.editor
    activate(qtbot, visit_window)
    first.tabs.setCurrentIndex(TABS.index("Outcome measures"))
    type_into(qtbot, first.measures.boxes["nprs"].fields["current"].edit, "8")
    visit_window.show_patient_page()
    start_visit(visit_window, ["gluteal_depression"])
    activate(qtbot, visit_window)
    visit_window.editor.tabs.setCurrentIndex(TABS.index("Outcome measures"))
    box = visit_window.editor.measures.boxes["nprs"]
    type_into(qtbot, box.fields["current"].edit, f"{8 - measure.mcid.value:g}")
    assert "(better), a clinically important improvement: reaches" in box.score_label.text()
    visit_window.show_patient_page()
    page = visit_window.page
    assert page.rows.rowCount() == 2
    [chart] = page.trends.findChildren(TrendChart)
    assert [score for _, score in chart.points] == [8.0, 8 - measure.mcid.value]


def test_each_toggle_refreshes_the_differential_in_place(
    visit_window: MainWindow,
) -> None:
    """Every click recomputes the panel without rebuilding it (its speed is `make bench`'s)."""
    editor = visit_window.editor
    button = editor.history.rows["injection_history"].input.buttons.buttons["yes"]
    rows = editor.panel.conditions
    before = rows.row_text(0)
    button.click()
    assert editor.obs.answers["injection_history"] == "yes"
    after = rows.row_text(0)
    assert after != before and editor.panel.conditions is rows
    button.click()  # a second click clears the answer: the differential goes back
    assert "injection_history" not in editor.obs.answers
    assert rows.row_text(0) == before


class ResizeCounter(QObject):
    """Counts resize events per watched widget."""

    def __init__(self, widgets: list[QWidget]) -> None:
        super().__init__()
        self.counts: dict[QWidget, int] = dict.fromkeys(widgets, 0)
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched in self.counts:
            self.counts[watched] += 1  # type: ignore[index]
        return False


def test_a_follow_up_question_appearing_moves_the_other_rows_without_resizing_them(
    qtbot: QtBot, visit_window: MainWindow, kb: KnowledgeBase
) -> None:
    history = visit_window.editor.history
    prompt, parent, value = _conditional_prompt(kb, "gluteal_depression")
    others = [row for pid, row in history.rows.items() if pid != prompt.id and row.isVisible()]
    counter = ResizeCounter(others)
    for _ in range(3):  # show, hide, show again
        history.rows[parent].input.buttons.buttons[value].click()
        qtbot.wait(20)  # layout and paint
    assert not history.rows[prompt.id].isHidden()
    assert [row.prompt.id for row, n in counter.counts.items() if n] == []


def test_the_condition_list_reuses_heights_only_for_unchanged_rows(
    visit_window: MainWindow,
) -> None:
    editor = visit_window.editor
    conditions = editor.panel.conditions
    button = editor.history.rows["injection_history"].input.buttons.buttons["yes"]
    for _ in range(3):
        button.click()  # yes, cleared, yes: rows change text and order, heights are cached
        cached = conditions.heightForWidth(conditions.width())
        conditions._row_heights.clear()
        conditions._measured_width = -1
        assert conditions.heightForWidth(conditions.width()) == cached


def test_a_blank_text_answer_is_not_answered_on_screen_when_nothing_is_stored(
    qtbot: QtBot, visit_window: MainWindow, kb: KnowledgeBase
) -> None:
    editor = visit_window.editor
    presentations = editor.visit.observations.presentations
    prompt = next(p for p in kb.prompts_for(presentations) if p.answer_type == "text")
    before = editor.completion.value()
    text_input = editor.history.rows[prompt.id].input
    text_input.edit.setPlainText("   ")
    text_input.flush()  # what a pause in typing does
    stored = visit_window.ops.repo.get_visit(editor.visit.id).observations
    assert prompt.id not in stored.answers
    assert prompt.id not in editor.obs.answers  # the screen shows what the database holds
    assert editor.completion.value() == before


def test_an_answer_hidden_on_screen_is_not_counted_as_answered(
    visit_window: MainWindow, kb: KnowledgeBase
) -> None:
    from desktop_app.core.visibility import displayed, visible

    editor = visit_window.editor
    visit_id = editor.visit.id
    repo = visit_window.ops.repo
    repo.save_answer(visit_id, "injection_history", "yes")
    repo.save_answer(visit_id, "injection_drug", "corticosteroid")
    visit_window.open_visit(visit_id)
    answered_with_drug = editor.history.completion(editor.obs)[0]
    click_no = editor.history.rows["injection_history"].input.buttons.buttons["no"]
    click_no.click()
    assert editor.history.rows["injection_drug"].isHidden()
    assert "injection_drug" in repo.observations(visit_id).answers  # kept in storage
    assert "injection_drug" not in visible(kb, editor.obs).answers  # not evidence
    assert "injection_drug" not in displayed(kb, editor.obs).answers  # not printed
    assert editor.history.completion(editor.obs)[0] == answered_with_drug - 1  # not counted
