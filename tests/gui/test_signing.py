"""Who signs: the first-run set-up, clinicians added in Settings, the signer chosen at signing
and amending, recorded in the database and the audit log and printed on paper."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop_app.app import App
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.application import offer_set_up, open_window
from desktop_app.gui.clinician_dialogs import (
    ChooseClinicianDialog,
    ClinicianDialog,
    FirstRunDialog,
)
from desktop_app.gui.dialogs import AmendDialog
from desktop_app.gui.export_worker import start_export
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.referral_dialog import ReferralDialog
from desktop_app.gui.settings_dialog import SettingsDialog
from tests.export.pdf_reading import text
from tests.gui.conftest import Recorder, answer_dialog, press_ok, wait_for_startup_checks
from tests.gui.flows import create_patient, start_visit

SAM = "Sam Lee, Osteopath, reg. no. OS-778"


def test_the_first_run_set_up_names_the_clinic_and_the_clinician(
    qtbot: QtBot, db_path: Path, kb: KnowledgeBase
) -> None:
    window = open_window(App(db=db_path, kb=kb))
    assert window is not None
    qtbot.addWidget(window)

    def fill(dialog: FirstRunDialog) -> None:
        qtbot.keyClicks(dialog.clinic_name, "Riverside Physiotherapy")
        qtbot.keyClicks(dialog.clinic_address, "12 Mill Lane")
        qtbot.keyClicks(dialog.fields.name, "Alex Morgan")
        dialog.fields.profession.setCurrentText("")
        qtbot.keyClicks(dialog.fields.profession, "Sports physiotherapist")
        qtbot.keyClicks(dialog.fields.registration, "PH000000")
        press_ok(dialog)

    seen = answer_dialog(FirstRunDialog, fill)
    offer_set_up(window)
    assert seen
    repo = window.ops.repo
    [clinician] = repo.clinicians()
    assert clinician.signature == "Alex Morgan, Sports physiotherapist, reg. no. PH000000"
    assert (repo.settings().clinic_name, repo.settings().clinic_address) == (
        "Riverside Physiotherapy",
        "12 Mill Lane",
    )
    assert [e.action for e in repo.audit_trail("clinician")] == ["create"]
    offer_set_up(window)  # asked once only: no dialog now (it would hang the test)
    window.close()
    wait_for_startup_checks(qtbot, window)


def _add_sam_in_settings(qtbot: QtBot, window: MainWindow) -> None:
    def add(dialog: ClinicianDialog) -> None:
        qtbot.keyClicks(dialog.fields.name, "Sam Lee")
        dialog.fields.profession.setCurrentText("Osteopath")
        qtbot.keyClicks(dialog.fields.registration, "OS-778")
        press_ok(dialog)

    def settings(dialog: SettingsDialog) -> None:
        added = answer_dialog(ClinicianDialog, add)
        dialog.add_clinician_button.click()
        assert added
        assert dialog.clinician_list.count() == 2
        dialog.reject()

    seen = answer_dialog(SettingsDialog, settings)
    window.open_settings()
    assert seen


def _choose(name: str) -> list[object]:
    def fill(dialog: ChooseClinicianDialog) -> None:
        dialog.choice.setCurrentIndex(dialog.choice.findText(name))
        press_ok(dialog)

    return answer_dialog(ChooseClinicianDialog, fill)  # type: ignore[return-value]


def test_the_chosen_signer_and_author_are_stored_audited_and_printed(
    qtbot: QtBot, open_app: Callable[[], MainWindow], yes: Recorder, tmp_path: Path
) -> None:
    window = open_app()
    repo = window.ops.repo
    _add_sam_in_settings(qtbot, window)
    sam = next(c for c in repo.clinicians() if c.name == "Sam Lee")
    create_patient(window, "Ines Duarte", QDate(1979, 3, 9))
    start_visit(window, ["buttock_pain"])
    visit_id = window.editor.visit.id

    chosen = _choose(SAM)
    window.sign_visit()
    assert chosen and yes.calls and SAM in yes.calls[-1][1]  # the confirmation names the signer
    stored = repo.get_visit(visit_id)
    assert stored.is_signed and stored.signed_by == SAM
    assert SAM in window.editor.status.toolTip()

    def amend(dialog: AmendDialog) -> None:
        qtbot.keyClicks(dialog.text, "Pain started in October.")
        qtbot.keyClicks(dialog.reason, "Patient corrected the date")
        press_ok(dialog)

    chosen = _choose(SAM)
    amended = answer_dialog(AmendDialog, amend)
    window.amend_visit()
    assert chosen and amended
    [amendment] = repo.amendments(visit_id)
    assert amendment.author == SAM
    actors = {e.action: e.actor for e in repo.audit_trail("visit", str(visit_id))}
    assert actors["sign"] == actors["amend"] == f"Sam Lee (clinician {sam.id})"

    written = tmp_path / "summary.pdf"
    job = start_export(window.ops, window, visit_id, "summary", written)  # as File > Export does
    assert job is not None
    qtbot.waitUntil(lambda: job.ended, timeout=60_000)
    assert f"Signed by {SAM}" in text(written)


def test_the_referral_dialog_edits_the_letter_and_the_audit_keeps_it(
    qtbot: QtBot,
    open_app: Callable[[], MainWindow],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    window = open_app()
    create_patient(window, "Ines Duarte", QDate(1979, 3, 9))
    start_visit(window, ["buttock_pain"])
    visit_id = window.editor.visit.id
    target = tmp_path / "referral.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))

    def fill(dialog: ReferralDialog) -> None:
        assert dialog.question.toPlainText().startswith("Please assess this patient for")
        dialog.addressee.clear()
        qtbot.keyClicks(dialog.addressee, "Dr Priya Shah, Orthopaedics")
        dialog.question.clear()
        qtbot.keyClicks(dialog.question, "Is an injection into the hip indicated?")
        press_ok(dialog)

    seen = answer_dialog(ReferralDialog, fill)
    window.export_visit("referral")
    assert seen and window.export_job is not None
    qtbot.waitUntil(lambda: window.export_job.ended, timeout=60_000)  # written off the GUI thread
    assert target.is_file()
    content = text(target)
    assert "Dr Priya Shah, Orthopaedics" in content
    assert "Is an injection into the hip indicated?" in content
    assert "Dr Jane Roe, Physiotherapist, reg. no. PH123456" in content  # the letter's author
    export = window.ops.repo.audit_trail("visit", str(visit_id))[-1]
    assert export.action == "export"
    assert "to: Dr Priya Shah, Orthopaedics" in export.detail
    assert "question: Is an injection into the hip indicated?" in export.detail
