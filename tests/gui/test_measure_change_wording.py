"""A change of an outcome measure says what it means, on the score label and the "Since last
visit" tab alike: reaching the MCID is a clinically important improvement or worsening, and a
worsening is shown in the warning colour, never with the colour of good news."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.style import DARK, LIGHT, colour
from desktop_app.gui.visit_editor import TABS
from desktop_app.gui.widgets import local_date
from tests.gui.flows import activate, create_patient, start_visit, type_into
from tests.gui.palettes import light_then_dark  # noqa: F401  (the fixture)


def _type_nprs(qtbot: QtBot, window: MainWindow, value: float) -> str:
    editor = window.editor
    editor.tabs.setCurrentIndex(TABS.index("Outcome measures"))
    type_into(qtbot, editor.measures.boxes["nprs"].fields["current"].edit, f"{value:g}")
    repo, visit_id = window.ops.repo, editor.visit.id
    qtbot.waitUntil(
        lambda: repo.get_visit(visit_id).measures["nprs"].responses.get("current") == value
    )
    return editor.measures.boxes["nprs"].score_label.text()


def _tab_change(window: MainWindow, name: str) -> str:
    editor = window.editor
    editor.tabs.setCurrentIndex(TABS.index("Since last visit"))
    table = editor.progress.measures
    [row] = [r for r in range(table.rowCount()) if table.item(r, 0).text() == name]
    return table.item(row, 3).text()


def test_a_worsening_that_reaches_the_mcid_is_a_warning_and_an_improvement_says_so(
    qtbot: QtBot, window: MainWindow, kb: KnowledgeBase
) -> None:
    nprs = kb.measures["nprs"]
    mcid = nprs.mcid.value
    assert mcid > 1  # a whole-point change below the MCID exists (the third score)
    create_patient(window, "Worse Then Better", QDate(1975, 6, 1))
    start_visit(window, ["gluteal_depression"])
    activate(qtbot, window)
    first = window.editor.visit
    _type_nprs(qtbot, window, 3)
    window.show_patient_page()
    start_visit(window, ["gluteal_depression"])
    activate(qtbot, window)

    worse = _type_nprs(qtbot, window, 3 + mcid)  # exactly the MCID: "reaches" (>=)
    words = f"+{mcid:g} (worse), a clinically important worsening: reaches the MCID of {mcid:g}"
    assert f"since the last score ({local_date(first.visit_date)}): " in worse, worse
    assert words in worse, worse
    assert colour("warning") in worse and colour("saved") not in worse, worse
    assert "✔" not in worse and "exceeds" not in worse, worse
    assert _tab_change(window, nprs.name) == words

    better = _type_nprs(qtbot, window, 3 - mcid)
    words = f"-{mcid:g} (better), a clinically important improvement: reaches the MCID of {mcid:g}"
    assert words in better and colour("warning") not in better, better
    assert _tab_change(window, nprs.name) == words

    small = _type_nprs(qtbot, window, 3 + mcid - 1)  # one point short of the MCID
    assert f"+{mcid - 1:g} (worse), below the MCID of {mcid:g}" in small, small
    assert "clinically important" not in small and colour("warning") not in small, small
    stored = window.ops.repo.get_visit(window.editor.visit.id).measures["nprs"]
    assert stored.responses == {"current": 3 + mcid - 1}


def test_the_change_colour_follows_a_light_dark_switch(
    qtbot: QtBot,
    window: MainWindow,
    light_then_dark: Callable[[bool], None],  # noqa: F811
) -> None:
    """The colour of "a clinically important worsening" is written into the label's text: a
    switch of theme must write it again (it kept the light theme's dark red on a dark panel)."""
    create_patient(window, "Theme Switch", QDate(1975, 6, 1))
    start_visit(window, ["gluteal_depression"])
    activate(qtbot, window)
    _type_nprs(qtbot, window, 2)
    window.show_patient_page()
    start_visit(window, ["gluteal_depression"])
    activate(qtbot, window)
    label = window.editor.measures.boxes["nprs"].score_label
    _type_nprs(qtbot, window, 8)
    for dark in (True, False, True):
        light_then_dark(dark)
        theme = DARK if dark else LIGHT
        other = LIGHT if dark else DARK
        assert theme["warning"] in label.text() and other["warning"] not in label.text()
