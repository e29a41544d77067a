"""The whole visit end to end, as a clinician does it; checked on screen and in the database."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Mark
from desktop_app.gui.dialogs import AmendDialog
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.red_flag_banner import AcknowledgeDialog
from desktop_app.gui.visit_editor import TABS
from tests.gui.conftest import Recorder, answer_dialog, press_ok
from tests.gui.flows import activate, click, create_patient, start_visit, type_into

PATIENT = "Zoë Łukasiewicz"


def _answer(window: MainWindow, prompt_id: str, value: object) -> QAbstractButton:
    window.editor.tabs.setCurrentIndex(TABS.index("History"))
    return window.editor.history.rows[prompt_id].input.buttons.buttons[value]


def _exam(window: MainWindow, item_id: str, side: str, value: str) -> QAbstractButton:
    window.editor.tabs.setCurrentIndex(TABS.index("Examination"))
    return window.editor.exam.rows[item_id].sides[side].buttons.buttons[value]


def _banner_text(window: MainWindow) -> str:
    return " ".join(label.text() for label in window.banner.findChildren(QLabel))


def _mark_on_chart(qtbot: QtBot, window: MainWindow, kb: KnowledgeBase, mark: Mark) -> None:
    editor = window.editor
    editor.tabs.setCurrentIndex(TABS.index("Body chart"))
    symptom = next(
        b for b in editor.chart.symptom_group.buttons() if b.property("symptom") == mark.symptom
    )
    click(qtbot, symptom)
    view = editor.chart.views["posterior"]
    element = f"{mark.region}-{mark.side}"
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.centre_of(element).toPoint())


def test_visit_from_new_patient_to_amended_record(
    qtbot: QtBot,
    open_app: Callable[[], MainWindow],
    kb: KnowledgeBase,
    yes: Recorder,
    warnings_shown: Recorder,
) -> None:
    window = open_app()
    assert "no patients" in window.welcome.text()

    # A new patient and an initial visit for a depression in the buttock.
    create_patient(window, PATIENT, QDate(1986, 4, 2))
    assert window.page.name.text() == PATIENT
    start_visit(window, ["gluteal_depression"])
    editor = window.editor
    assert window.stack.currentWidget() is editor
    repo = window.ops.repo
    visit_id = editor.visit.id

    # Gluteal atrophy after a steroid injection (the post-injection scenario).
    click(qtbot, _answer(window, "injection_history", "yes"))
    click(qtbot, _answer(window, "current_pain", 0))
    editor.tabs.setCurrentIndex(TABS.index("Examination"))
    click(qtbot, _exam(window, "gt_palpation", "right", "negative"))
    depression = Mark("upper_outer_buttock", "depression", "right")
    _mark_on_chart(qtbot, window, kb, depression)

    leader = kb.conditions["post_injection_atrophy"].name
    assert editor.differential.leading.condition_id == "post_injection_atrophy"
    assert leader in editor.panel.conditions.row_text(0)
    stored = repo.get_visit(visit_id).observations
    assert stored.answers["injection_history"] == "yes"
    assert stored.answers["current_pain"] == 0
    assert stored.exam["gt_palpation"] == {"right": "negative"}
    assert depression in stored.marks
    assert repo.list_visits(window.patient.id)[0].leading_condition == leader
    qtbot.waitUntil(lambda: editor.saved.text().startswith("✔ Saved"))  # once on the disk

    # A red-flag finding raises the banner with its urgency and action.
    flag = kb.red_flags["cauda_equina"]
    assert not window.banner.isVisible()
    click(qtbot, _answer(window, "saddle_anaesthesia", "yes"))
    assert window.banner.isVisible()
    banner_text = _banner_text(window)
    assert flag.name in banner_text and flag.action in banner_text
    assert flag.urgency.upper() in banner_text

    # An outcome measure with its live score.
    editor.tabs.setCurrentIndex(TABS.index("Outcome measures"))
    nprs = editor.measures.boxes["nprs"]
    activate(qtbot, window)
    type_into(qtbot, nprs.fields["current"].edit, "3")
    assert "<b>3</b>" in nprs.score_label.text()
    assert repo.get_visit(visit_id).measures["nprs"].score == 3

    # Signing is refused until the red flag is acknowledged.
    window.sign_visit()
    assert warnings_shown.calls and flag.name in warnings_shown.calls[-1][1]
    assert not repo.get_visit(visit_id).is_signed

    def not_referred(dialog: AcknowledgeDialog) -> None:
        dialog.not_referred.setChecked(True)
        dialog.reason.setPlainText("Numbness is long-standing and assessed by neurology last week")
        press_ok(dialog)

    seen = answer_dialog(AcknowledgeDialog, not_referred)
    click(qtbot, window.banner.buttons[flag.id])
    assert seen
    ack = repo.get_visit(visit_id).red_flag_acks[flag.id]
    assert not ack.referred and "neurology" in ack.reason
    assert flag.id not in window.banner.buttons  # acknowledged: no button, the status instead
    assert any(f"red flag {flag.id}" in e.detail for e in repo.audit_trail("visit", str(visit_id)))

    # Sign; the visit becomes read-only and edits are refused.
    window.sign_visit()
    assert yes.calls and repo.get_visit(visit_id).is_signed
    assert "Signed" in editor.status.text()
    assert not _answer(window, "injection_history", "no").isEnabled()
    assert editor.plan.edit.isReadOnly()
    _mark_on_chart(qtbot, window, kb, Mark("lower_buttock", "pain", "left"))
    assert repo.get_visit(visit_id).observations.marks == (depression,)
    window.ops.save_answer(visit_id, "injection_history", "no")  # straight to the operation
    assert "signed" in warnings_shown.calls[-1][1].lower()
    assert repo.get_visit(visit_id).observations.answers["injection_history"] == "yes"

    # Amend.
    def amend(dialog: AmendDialog) -> None:
        dialog.text.setPlainText("Injection was given 8 weeks before, not 6.")
        dialog.reason.setText("Patient checked her records")
        press_ok(dialog)

    seen = answer_dialog(AmendDialog, amend)
    click(qtbot, editor.amend_button)
    assert seen
    assert [a.reason for a in repo.amendments(visit_id)] == ["Patient checked her records"]
    assert "8 weeks" in editor.plan.amendments.text()

    # Close and reopen the app on the same database: everything is as it was.
    window.close()
    again = open_app()
    editor = again.editor
    assert again.stack.currentWidget() is editor and editor.visit.id == visit_id
    assert editor.visit.is_signed and "Signed" in editor.status.text()
    assert _answer(again, "injection_history", "yes").isChecked()
    assert _answer(again, "current_pain", 0).isChecked()
    assert _exam(again, "gt_palpation", "right", "negative").isChecked()
    assert depression in editor.chart.marks
    # The fired emergency's conditions lead (must exclude now), then the probabilistic leader.
    tier = editor.differential.must_exclude
    assert tier and tier[0].name in editor.panel.conditions.row_text(0)
    assert leader in editor.panel.conditions.row_text(len(tier))
    assert again.banner.isVisible() and "neurology" in _banner_text(again)
    assert "<b>3</b>" in editor.measures.boxes["nprs"].score_label.text()
    assert "8 weeks" in editor.plan.amendments.text()
    assert again.list.count() == 1 and PATIENT in again.list.item(0).text()
