"""File menu: FHIR and CSV export and patient import act like the commands; Help: About."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge_base import KnowledgeBase
from desktop_app.gui.exchange_actions import ImportDialog
from desktop_app.gui.main_window import MainWindow
from tests.gui.conftest import Recorder, answer_dialog
from tests.gui.flows import create_patient, start_visit


def trigger(window: MainWindow, text: str) -> None:
    for menu in window._menus.values():
        for action in menu.actions():
            if action.text().replace("&", "") == text:
                action.trigger()
                return
    raise AssertionError(f"no menu action {text!r}")


def test_export_visit_as_fhir_from_the_menu(
    qtbot: QtBot,
    window: MainWindow,
    kb: KnowledgeBase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    create_patient(window, "Menu Export", QDate(1980, 1, 2))
    start_visit(window, list(kb.presentations))
    out = tmp_path / "visit.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    trigger(window, "Export visit as FHIR…")
    job = window.exchange_job
    assert job is not None
    qtbot.waitUntil(lambda: job.ended, timeout=60_000)  # read and written on a worker
    bundle = json.loads(out.read_text(encoding="utf-8"))
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[:2] == ["Patient", "Encounter"]
    assert window.ops.repo.audit_trail("visit")[-1].action == "export"


def test_import_dialog_previews_then_imports(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "clinic.csv"
    source.write_text(
        "Nom,Naissance,Sexe\nJeanne Dupont,01/02/1960,F\nLuc Martin,1955-05-05,M\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    seen: list[str] = []

    def fill(dialog: ImportDialog) -> None:
        assert not dialog.import_button.isEnabled()  # no column recognised as the name yet
        assert "no column for name" in dialog.preview.toPlainText()
        assert window.ops.repo.patient_count() == 0
        dialog.combos["name"].setCurrentText("Nom")
        dialog.combos["date_of_birth"].setCurrentText("Naissance")
        dialog.combos["sex"].setCurrentText("Sexe")
        seen.append(dialog.preview.toPlainText())
        assert dialog.import_button.isEnabled()
        dialog.import_button.click()

    answer_dialog(ImportDialog, fill)
    trigger(window, "Import patients…")
    assert "2 new patient(s), 0 duplicate(s) skipped, 0 row(s) with problems" in seen[0]
    names = sorted(p.name for p in window.ops.repo.search_patients(""))
    assert names == ["Jeanne Dupont", "Luc Martin"]
    assert window.list.count() == 2  # the patient list shows them at once


def test_import_dialog_refuses_a_file_with_a_bad_row(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("name,date_of_birth\nAda,1985-12-10\nBob,31/02/1990\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    seen: list[tuple[bool, str]] = []

    def fill(dialog: ImportDialog) -> None:
        seen.append((dialog.import_button.isEnabled(), dialog.preview.toPlainText()))
        dialog.reject()

    answer_dialog(ImportDialog, fill)
    trigger(window, "Import patients…")
    enabled, text = seen[0]
    assert not enabled
    assert "line 3: '31/02/1990' is not a date" in text
    assert window.ops.repo.patient_count() == 0


def test_about_names_versions_and_licences(
    window: MainWindow, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    about = Recorder()
    monkeypatch.setattr(QMessageBox, "about", about)
    trigger(window, "About Gluteal Assess")
    ((title, text),) = about.calls
    assert title == "About Gluteal Assess"
    assert f"Knowledge base {kb.version}" in text
    for words in ("Proprietary", "LGPL", "THIRD_PARTY_NOTICES.md", "WenQuanYi"):
        assert words in text
