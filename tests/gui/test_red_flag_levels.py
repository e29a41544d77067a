"""The banner's three levels: an emergency cannot be missed, urgent is strong, routine informs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from desktop_app.core.diagnosis import RedFlagAlert
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.red_flag_banner import RedFlagBanner
from desktop_app.gui.visit_editor import TABS
from tests.gui.conftest import Recorder
from tests.gui.flows import click, create_patient, start_visit


def _flag(flag_id: str, urgency: str) -> RedFlagAlert:
    return RedFlagAlert(flag_id, f"Flag {flag_id}", urgency, f"Action for {flag_id}.", None, True)


def _banner(qtbot: QtBot) -> RedFlagBanner:
    banner = RedFlagBanner()
    qtbot.addWidget(banner)
    banner.resize(900, 300)
    return banner


def _row_colour(banner: RedFlagBanner, flag_id: str) -> QColor:
    """The colour painted at the left edge of a flag's row, as the user sees it."""
    banner.show()
    row = banner.rows[flag_id]
    image = QImage(row.size(), QImage.Format.Format_ARGB32)
    row.render(image)
    return image.pixelColor(4, row.height() // 2)


def test_each_level_has_its_own_look_and_only_emergency_and_urgent_ask_for_acknowledgement(
    qtbot: QtBot,
) -> None:
    banner = _banner(qtbot)
    flags = (_flag("e", "emergency"), _flag("u", "urgent"), _flag("r", "routine"))
    banner.show_flags(flags, {}, editable=True)
    assert set(banner.buttons) == {"e", "u"}  # a routine review is a notice, not a task
    texts = " ".join(label.text() for label in banner.findChildren(QLabel))
    assert "EMERGENCY" in texts and "URGENT" in texts and "ROUTINE REVIEW" in texts
    colours = {fid: _row_colour(banner, fid).name() for fid in ("e", "u", "r")}
    assert len(set(colours.values())) == 3, colours
    emergency = _row_colour(banner, "e")
    assert emergency.red() > 150 and emergency.green() < 60  # red, whatever the theme
    routine = _row_colour(banner, "r")
    assert routine.blue() >= routine.red()  # an information blue, never the alarm red


def test_a_banner_with_only_a_routine_review_is_not_pending(qtbot: QtBot) -> None:
    banner = _banner(qtbot)
    banner.show_flags((_flag("r", "routine"),), {}, editable=True)
    assert banner.isVisibleTo(banner.parentWidget() or banner)
    assert banner.property("pending") is False
    banner.show_flags((_flag("r", "routine"), _flag("u", "urgent")), {}, editable=True)
    assert banner.property("pending") is True


def test_flag_text_stays_readable_under_a_dark_palette(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    saved = app.palette()
    dark = QPalette(saved)
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        dark.setColor(role, QColor("#202124"))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        dark.setColor(role, QColor("#f1f3f4"))
    app.setPalette(dark)
    try:
        banner = _banner(qtbot)
        banner.show_flags((_flag("r", "routine"), _flag("u", "urgent")), {}, editable=True)
        for fid in ("r", "u"):
            background = _row_colour(banner, fid)
            label = banner.rows[fid].findChild(QLabel)
            assert label is not None
            text = label.palette().color(label.foregroundRole())
            contrast = abs(background.lightness() - text.lightness())
            assert contrast > 100, (fid, background.name(), text.name())
    finally:
        app.setPalette(saved)


def test_a_visit_with_only_a_routine_review_can_be_signed(
    qtbot: QtBot, open_app: Callable[[], MainWindow], kb: KnowledgeBase, yes: Recorder
) -> None:
    window = open_app()
    create_patient(window, "Rosa Lind", QDate(1961, 5, 9))
    start_visit(window, ["buttock_pain"])
    editor = window.editor
    # The first routine rule that a yes/no history answer can fire (some read examination only).
    routine, prompt_id = next(
        (f, pid)
        for f in kb.red_flags.values()
        if f.urgency == "routine"
        for kind, pid in f.when.references()
        if kind == "answer" and kb.prompts[pid].answer_type == "yes_no"
    )
    editor.tabs.setCurrentIndex(TABS.index("History"))
    click(qtbot, editor.history.rows[prompt_id].input.buttons.buttons["yes"])
    raised = {f.flag_id: f.urgency for f in editor.differential.red_flags}
    assert raised == {routine.id: "routine"}
    assert window.banner.isVisible() and not window.banner.buttons  # a notice, nothing to press
    window.sign_visit()
    assert yes.calls and window.ops.repo.get_visit(editor.visit.id).is_signed


def test_signing_with_an_unanswered_screen_asks_and_is_audited(
    qtbot: QtBot, open_app: Callable[[], MainWindow], yes: Recorder
) -> None:
    window = open_app()
    create_patient(window, "Tomas Berg", QDate(1958, 1, 30))
    start_visit(window, ["buttock_pain"])
    editor = window.editor
    incomplete = [s.name for s in editor.differential.screening if s.status == "incomplete"]
    assert incomplete  # nothing asked yet
    window.sign_visit()
    _title, text = yes.calls[-1]
    assert "not asked, not as negative" in text and incomplete[0] in text
    repo = window.ops.repo
    assert repo.get_visit(editor.visit.id).is_signed
    entries = [
        e for e in repo.audit_trail("visit", str(editor.visit.id)) if e.action == "sign_unscreened"
    ]
    assert len(entries) == 1 and incomplete[0] in entries[0].detail
