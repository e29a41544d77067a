"""Screen and paper word a recorded value and a red-flag level the same way (core.wording,
core.safety_wording)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.safety_wording import LEVELS
from desktop_app.core.wording import answer_text, visit_type_name
from desktop_app.export import write_pdf
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_editor import TABS
from desktop_app.reporting import load_bundle
from tests.export import pdf_reading
from tests.gui.flows import click, create_patient, start_visit


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
    cells = [window.page.rows.text(0, c) for c in range(window.page.rows.columnCount())]
    assert visit_type_name(visit.visit_type) in cells


def _plain(rich_text: str) -> str:
    """A label's rich text as the user reads it: tags dropped, whitespace collapsed."""
    document = QTextDocument()
    document.setHtml(rich_text)
    return " ".join(document.toPlainText().split())


def test_the_banner_and_the_pdfs_word_each_red_flag_level_alike(
    qtbot: QtBot, window: MainWindow, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """An emergency, an urgent flag and a routine review, raised by answers a user clicks: each
    banner row's heading is the one the summary and the letter print (the screen upper-cases only
    the label), and both are the one table's words (core.safety_wording.LEVELS)."""
    create_patient(window, "Level Words", QDate(1968, 5, 9))
    start_visit(window, ["buttock_pain"])
    window.editor.tabs.setCurrentIndex(TABS.index("History"))
    rows = window.editor.history.rows
    answers = {"saddle_anaesthesia": "yes", "fever": "yes", "systemically_unwell": "no"}
    for prompt_id, value in {**answers, "night_pain": "yes"}.items():
        click(qtbot, rows[prompt_id].input.buttons.buttons[value])
    flags = window.editor.differential.red_flags
    assert {f.urgency for f in flags} == {"emergency", "urgent", "routine"}

    visit_id = window.editor.visit.id
    printed = {
        kind: pdf_reading.text(
            write_pdf(kind, load_bundle(window.ops.repo, kb, visit_id), tmp_path / f"{kind}.pdf")
        )
        for kind in ("summary", "referral")
    }
    for flag in flags:
        words = LEVELS[flag.urgency]
        shown = _plain(window.banner.rows[flag.flag_id].text.text())
        heading = shown.split(" ", 1)[1].removesuffix(flag.action).strip()  # after the icon
        assert heading.startswith(f"{words.label.upper()} — {words.explanation}: "), shown
        assert heading.endswith(flag.name), shown
        for kind, text in printed.items():
            on_paper = f"{words.label}{heading.removeprefix(words.label.upper())}"
            assert " ".join(on_paper.split()) in text, (kind, flag.urgency, heading)
