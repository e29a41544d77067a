"""Issue 11 on screen: the must-exclude tier leads, safety checks say so, screening is explicit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.differential_panel import wrapped
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.style import DARK, LIGHT
from desktop_app.gui.visit_editor import TABS
from tests.gui.flows import click, create_patient, start_visit
from tests.gui.palettes import contrast, light_then_dark  # noqa: F401  (the fixture)


def _answer(qtbot: QtBot, window: MainWindow, prompt_id: str, value: str) -> None:
    window.editor.tabs.setCurrentIndex(TABS.index("History"))
    click(qtbot, window.editor.history.rows[prompt_id].input.buttons.buttons[value])


def _open_visit(window: MainWindow) -> None:
    create_patient(window, "Ines Duarte", QDate(1971, 8, 19))
    start_visit(window, ["buttock_pain"])


def test_a_fired_emergency_leads_the_list_as_must_exclude_and_agrees_with_the_banner(
    qtbot: QtBot, open_app: Callable[[], MainWindow], kb: KnowledgeBase
) -> None:
    window = open_app()
    _open_visit(window)
    _answer(qtbot, window, "saddle_anaesthesia", "yes")
    differential = window.editor.differential
    emergency = [f for f in differential.red_flags if f.urgency == "emergency"]
    assert emergency and window.banner.isVisible()
    first = window.editor.panel.conditions.row_text(0)
    tier = differential.must_exclude[0]
    assert first.startswith("MUST EXCLUDE NOW (EMERGENCY)")
    assert tier.name in first and tier.action in first  # the rule's action, as in the banner
    assert tier.flag_id in {f.flag_id for f in emergency}
    # A condition that is only a must-exclude row never looks like the answer: its estimate is
    # still shown, with the instruction to exclude it whatever the rank.
    assert "exclude it whatever the rank" in first


def test_a_safety_check_is_labelled_as_one_and_goes_to_its_question(
    qtbot: QtBot, open_app: Callable[[], MainWindow]
) -> None:
    window = open_app()
    _open_visit(window)
    _answer(qtbot, window, "radicular_symptoms", "yes")
    panel = window.editor.panel
    safety = [t for t in window.editor.differential.next_tests if t.safety]
    assert safety, "radicular pain makes the cauda equina screen a safety check"
    button = panel.next_buttons[0]
    assert button.full_text.startswith("⚠ Safety check:")
    assert safety[0].name in button.full_text
    click(qtbot, button)
    assert window.editor.tabs.currentIndex() == TABS.index(
        "History" if safety[0].kind == "answer" else "Examination"
    )


def test_a_long_next_test_reads_on_two_lines_within_the_panel_at_a_small_screen(
    qtbot: QtBot, open_app: Callable[[], MainWindow]
) -> None:
    """At 1366x768 the panel is narrow: one elided line showed "⚠ Safety check: Any fev…"."""
    window = open_app()
    window.resize(1366, 768)
    _open_visit(window)
    panel = window.editor.panel
    qtbot.waitUntil(lambda: panel.next_buttons[0].isVisible())
    for button in (b for b in panel.next_buttons if b.isVisible()):
        room = button.width() - 24
        metrics = button.fontMetrics()
        lines = button.text().split("\n")
        assert len(lines) <= 2 and all(metrics.horizontalAdvance(x) <= room for x in lines)
        shown = " ".join(lines).removesuffix("…")
        assert button.full_text.startswith(shown), (shown, button.full_text)
        if metrics.horizontalAdvance(button.full_text) > room:
            assert (
                len(lines) == 2
                and len(shown)
                > len(metrics.elidedText(button.full_text, Qt.TextElideMode.ElideRight, room)) - 1
            )


def test_wrapping_breaks_at_spaces_and_elides_only_the_last_line() -> None:
    metrics = QFontMetrics(QFont())
    text = "Safety check: Any fever or chills (a temperature of 38 °C or more, or shivering)?"
    width = metrics.horizontalAdvance("Safety check: Any fever")
    first, second = wrapped(text, metrics, width, 2).split("\n")
    assert first == "Safety check: Any fever" and second.endswith("…")
    assert text.startswith(f"{first} {second.removesuffix('…')}")
    assert wrapped("Short", metrics, width, 2) == "Short"
    assert "\n" not in wrapped(text, metrics, width, 1)


def test_screening_separates_pertinent_negatives_from_questions_not_asked(
    qtbot: QtBot, open_app: Callable[[], MainWindow], kb: KnowledgeBase
) -> None:
    window = open_app()
    _open_visit(window)
    panel = window.editor.panel
    assert panel.unscreened.isVisible() and "not yet screened" in panel.unscreened.text()
    assert not panel.screened.isVisible()  # nothing was asked: nothing reads as negative
    flag = kb.red_flags["cauda_equina"]
    assert all(kb.prompts[p].answer_type == "yes_no" for p in flag.screen)
    for prompt_id in flag.screen[:-1]:
        _answer(qtbot, window, prompt_id, "no")
    assert flag.name in panel.unscreened.toolTip()  # one question left: not screened yet
    assert flag.name not in panel.screened.text()
    _answer(qtbot, window, flag.screen[-1], "no")
    assert panel.screened.text().startswith("Red flags screened: negative for")
    assert flag.name in panel.screened.text()
    assert flag.name not in panel.unscreened.toolTip()
    stored = window.ops.repo.get_visit(window.editor.visit.id).observations.answers
    assert all(stored[p] == "no" for p in flag.screen)


def test_the_safety_check_colours_follow_a_light_dark_switch(
    qtbot: QtBot,
    open_app: Callable[[], MainWindow],
    light_then_dark: Callable[[bool], None],  # noqa: F811
) -> None:
    window = open_app()
    _open_visit(window)
    panel = window.editor.panel
    _answer(qtbot, window, "radicular_symptoms", "yes")
    button = panel.next_buttons[0]
    assert button.full_text.startswith("⚠ Safety check:")
    assert panel.unscreened.isVisible()
    for dark in (False, True, False, True):
        light_then_dark(dark)
        theme = DARK if dark else LIGHT
        text = button.palette().color(QPalette.ColorRole.ButtonText)
        assert text == QColor(theme["safety"])
        assert button.font().weight() == QFont.Weight.Bold  # 700, above the 600 of the others
        assert contrast(text, button.palette().color(QPalette.ColorRole.Button)) >= 4.5
        warning = panel.unscreened.palette().color(panel.unscreened.foregroundRole())
        assert warning == QColor(theme["warning"])
        assert contrast(warning, QColor(theme["panel"])) >= 4.5
    # The same button showing an ordinary next test loses the safety colour and weight.
    differential = window.editor.differential
    assert differential is not None
    ordinary = replace(differential.next_tests[0], safety=False)
    panel.show_differential(replace(differential, next_tests=(ordinary,)))
    assert button.full_text.startswith("→")
    assert button.palette().color(QPalette.ColorRole.ButtonText) == QColor(DARK["next_test"])
    assert button.font().weight() == QFont.Weight.DemiBold
