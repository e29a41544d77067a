"""Screen and paper word a recorded value the same way (core.wording)."""

from __future__ import annotations

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.wording import answer_text, visit_type_name
from desktop_app.gui.main_window import MainWindow
from tests.gui.flows import create_patient, start_visit


def test_answer_buttons_read_as_the_pdf_prints_the_answer(
    qtbot: QtBot, window: MainWindow, kb: KnowledgeBase
) -> None:
    create_patient(window, "Word Check", QDate(1990, 2, 2))
    start_visit(window, ["buttock_pain"])
    rows = window.editor.history.rows
    checked = 0
    for prompt_id, row in rows.items():
        prompt = kb.prompts[prompt_id]
        if prompt.answer_type not in ("yes_no", "side", "single_choice"):
            continue
        buttons = getattr(row.input, "buttons", None)
        if buttons is None:  # a long list is a combo box
            continue
        for value, button in buttons.buttons.items():
            assert button.text().replace("&&", "&") == answer_text(prompt, value), prompt_id
            checked += 1
    assert checked > 20
    unknown = next(p for p in rows if kb.prompts[p].answer_type == "yes_no")
    assert rows[unknown].input.buttons.buttons["unknown"].text() == "Not known"

    visit = window.editor.visit
    assert visit_type_name(visit.visit_type) in window.editor.title.text()
    window.show_patient_page()
    cells = [window.page.table.item(0, c).text() for c in range(window.page.table.columnCount())]
    assert visit_type_name(visit.visit_type) in cells
