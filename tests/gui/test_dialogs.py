"""Each dialog: its validation, and what it stores through the real window and database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.dialogs import AmendDialog, PatientDialog
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.red_flag_banner import AcknowledgeDialog
from desktop_app.gui.settings_dialog import SettingsDialog
from desktop_app.gui.visit_dialog import VisitDialog
from tests.gui.conftest import Recorder, answer_dialog, press_ok
from tests.gui.flows import click, create_patient, start_visit


def test_patient_dialog_requires_name_and_a_past_date_of_birth(qtbot: QtBot) -> None:
    dialog = PatientDialog()
    qtbot.addWidget(dialog)
    press_ok(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted and "name" in dialog.error.text()
    dialog.name.setText("Ana Ruiz")
    dialog.date_of_birth.setDate(QDate.currentDate().addDays(1))
    press_ok(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "future" in dialog.date_of_birth.message.text()
    assert dialog.date_of_birth.message.isVisibleTo(dialog)
    dialog.date_of_birth.setDate(QDate(1990, 2, 28))
    dialog.clinic_id.setText("  A-7 ")
    press_ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.values() == ("Ana Ruiz", dt.date(1990, 2, 28), "female", "A-7", "")


def test_new_patient_is_stored_and_listed(window: MainWindow) -> None:
    create_patient(window, "Ana Ruiz", QDate(1990, 2, 28))
    [patient] = window.ops.repo.search_patients("ruiz")
    assert patient.date_of_birth == dt.date(1990, 2, 28)
    assert window.list.count() == 1 and window.page.name.text() == "Ana Ruiz"


def test_a_typo_in_name_and_date_of_birth_is_corrected_from_the_patient_page(
    qtbot: QtBot, window: MainWindow
) -> None:
    create_patient(window, "Ana Ruzi", QDate(1990, 2, 28))
    patient = window.patient
    assert patient is not None
    window.ops.repo.update_patient(replace(patient, notes="Prefers mornings"))
    window.show_patient(patient.id)  # as shown after that change (an older copy is refused)
    prefilled: list[tuple[str, dt.date, str, str, str]] = []

    def correct(dialog: PatientDialog) -> None:
        prefilled.append(dialog.values())
        assert dialog.windowTitle() == "Edit patient details"
        dialog.name.setText("Ana Ruiz")
        dialog.date_of_birth.setDate(QDate(1990, 3, 28))
        press_ok(dialog)

    answer_dialog(PatientDialog, correct)
    click(qtbot, window.page.edit_details)
    assert prefilled == [("Ana Ruzi", dt.date(1990, 2, 28), "female", "", "")]
    stored = window.ops.repo.get_patient(patient.id)
    assert (stored.name, stored.date_of_birth) == ("Ana Ruiz", dt.date(1990, 3, 28))
    assert stored.notes == "Prefers mornings"  # fields the dialog does not show are kept
    assert window.page.name.text() == "Ana Ruiz" and "Ruiz" in window.list.item(0).text()
    assert window.ops.repo.search_patients("ruiz") == [stored]
    last = [e for e in window.ops.repo.audit_trail("patient") if e.action == "update"][-1]
    # the fields changed, never their values (then the digest verify compares)
    assert last.detail.split("; ")[0] == "name, date_of_birth"


def test_editing_a_patient_can_be_cancelled_and_is_off_when_read_only(
    qtbot: QtBot, open_app: Callable[[], MainWindow]
) -> None:
    window = open_app()
    create_patient(window, "Bo Lind", QDate(1970, 1, 1))
    answer_dialog(PatientDialog, lambda dialog: dialog.reject())
    window.edit_patient()
    assert window.ops.repo.get_patient(window.patient.id).name == "Bo Lind"
    second = open_app()  # another copy of the app: read-only
    second.show_patient(window.patient.id)
    assert not second.page.edit_details.isEnabled()
    assert not second.edit_patient_action.isEnabled()


def test_visit_dialog_needs_a_presenting_complaint(qtbot: QtBot, kb: KnowledgeBase) -> None:
    dialog = VisitDialog(kb)
    qtbot.addWidget(dialog)
    press_ok(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.error.text()
    dialog.presentations["buttock_pain"].setChecked(True)
    press_ok(dialog)
    assert dialog.values() == ("initial", ["buttock_pain"])


def test_new_visit_prefills_age_from_date_of_birth(window: MainWindow, kb: KnowledgeBase) -> None:
    create_patient(window, "Ana Ruiz", QDate(1990, 2, 28))
    start_visit(window, ["buttock_pain"])
    visit = window.ops.repo.get_visit(window.editor.visit.id)
    assert visit.observations.presentations == ("buttock_pain",)
    if "age_years" in {p.id for p in kb.prompts_for(["buttock_pain"])}:
        expected = window.patient.age_on(visit.visit_date)
        assert visit.observations.answers["age_years"] == expected
        assert window.editor.history.rows["age_years"].input.edit.text() == str(expected)


def test_new_visit_prefills_sex_from_the_patient_record(
    window: MainWindow, kb: KnowledgeBase
) -> None:
    # Sex changes the starting probabilities (prior modifiers), so the record's value is used.
    def fill(dialog: PatientDialog) -> None:
        dialog.name.setText("Eva Holm")
        dialog.date_of_birth.setDate(QDate(1970, 6, 1))
        dialog.sex.setCurrentIndex(dialog.sex.findData("female"))
        press_ok(dialog)

    seen = answer_dialog(PatientDialog, fill)
    window.new_patient()
    assert seen, "the new-patient dialog did not open"
    start_visit(window, ["buttock_pain"])
    visit = window.ops.repo.get_visit(window.editor.visit.id)
    assert visit.observations.answers.get("sex") == "female"


def test_acknowledge_dialog_needs_a_reason_when_not_referred(
    qtbot: QtBot, kb: KnowledgeBase
) -> None:
    from desktop_app.core.validation import observations_from_dict

    obs = observations_from_dict(kb, {"answers": {"saddle_anaesthesia": "yes"}})
    [flag, *_] = assess(kb, obs).red_flags
    dialog = AcknowledgeDialog(flag)
    qtbot.addWidget(dialog)
    press_ok(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted and "referred" in dialog.error.text()
    dialog.not_referred.setChecked(True)
    press_ok(dialog)
    assert "reason" in dialog.error.text()
    dialog.reason.setPlainText("Seen by the GP this morning")
    press_ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_values() == (False, "Seen by the GP this morning")


def test_amend_dialog_needs_text_and_reason(qtbot: QtBot) -> None:
    dialog = AmendDialog()
    qtbot.addWidget(dialog)
    dialog.text.setPlainText("Left, not right.")
    press_ok(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.error.text()
    dialog.reason.setText("Typo")
    press_ok(dialog)
    assert dialog.values() == ("Left, not right.", "Typo")


def test_settings_are_saved(window: MainWindow) -> None:
    def fill(dialog: SettingsDialog) -> None:
        dialog.clinic_name.setText("Physio Nord")
        dialog.page_size.setCurrentText("Letter")
        dialog.keep.setValue(4)
        press_ok(dialog)

    seen = answer_dialog(SettingsDialog, fill)
    window.open_settings()
    assert seen
    settings = window.ops.repo.settings()
    assert (settings.clinic_name, settings.page_size) == ("Physio Nord", "Letter")
    assert settings.backups_to_keep == 4


def test_backup_now_and_restore(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, yes: Recorder, tmp_path: Path
) -> None:
    create_patient(window, "Before Backup", QDate(1970, 1, 1))
    backups: list[Path] = []

    def back_up(dialog: SettingsDialog) -> None:
        dialog.backup_button.click()
        backups.append(Path(dialog.message.text().split(": ", 1)[1]))
        dialog.reject()

    answer_dialog(SettingsDialog, back_up)
    window.open_settings()
    assert backups and backups[0].is_file()

    create_patient(window, "After Backup", QDate(1971, 1, 1))
    assert window.ops.repo.patient_count() == 2
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backups[0]), ""))

    def restore(dialog: SettingsDialog) -> None:
        dialog.restore_button.click()
        dialog.reject()

    answer_dialog(SettingsDialog, restore)
    window.open_settings()
    assert yes.calls and "Replace the current database" in yes.calls[0][1]
    assert [p.name for p in window.ops.repo.search_patients("")] == ["Before Backup"]
    assert window.list.count() == 1


def test_failed_export_is_a_plain_message(
    qtbot: QtBot,
    window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    warnings_shown: Recorder,
    tmp_path: Path,
) -> None:
    create_patient(window, "Ana Ruiz", QDate(1990, 2, 28))
    start_visit(window, ["buttock_pain"])
    target = tmp_path / "missing-folder" / "summary.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.export_visit("summary")
    job = window.export_job
    assert job is not None
    qtbot.waitUntil(lambda: job.ended, timeout=60_000)  # written off the GUI thread
    assert warnings_shown.calls and warnings_shown.calls[0][0] == "Could not export the PDF"
    assert "Traceback" not in warnings_shown.calls[0][1]
    assert not target.exists()


def test_an_export_before_the_clinic_is_named_says_where_to_name_it(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def export() -> None:
        window.export_visit("summary")
        job = window.export_job
        assert job is not None
        qtbot.waitUntil(lambda: job.ended, timeout=60_000)  # written off the GUI thread

    create_patient(window, "Ana Ruiz", QDate(1990, 2, 28))
    start_visit(window, ["buttock_pain"])
    target = tmp_path / "summary.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    export()
    assert "no clinic name: add one in File › Settings" in window.statusBar().currentMessage()
    first_page = PdfReader(target).pages[0].extract_text()
    assert "Clinic" not in first_page.replace("Clinical", "")  # nothing made up
    settings = window.ops.repo.settings()
    assert window.ops.save_settings(replace(settings, clinic_name="Riverside Physiotherapy"))
    export()
    assert "no clinic name" not in window.statusBar().currentMessage()
    assert "Riverside Physiotherapy" in PdfReader(target).pages[0].extract_text()


def test_message_boxes_are_refused_unless_patched() -> None:
    with pytest.raises(AssertionError, match="unexpected modal dialog"):
        QMessageBox.warning(None, "title", "text")
