"""FHIR and CSV exports from the File menu: read and written on a worker, Cancel while reading.

A patient's FHIR record of 2000 visits took 3.5 s on the GUI thread (a CSV of 2000 visits 0.9 s);
the worker reads on a connection of its own and the window audits the file it wrote.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QFileDialog, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from desktop_app.core.records import Visit
from desktop_app.exchange import service
from desktop_app.gui.exchange_actions import CsvExportDialog
from desktop_app.gui.main_window import MainWindow
from desktop_app.storage.repository import Repository
from tests.gui.test_exchange_actions import trigger

VISITS = 60


def _patient(window: MainWindow, first_day: dt.date) -> int:
    repo = window.ops.repo
    patient = repo.create_patient("Many Visits", dt.date(1966, 4, 2), "male")
    with repo.batch():
        for n in range(VISITS):
            kind = "initial" if n == 0 else "follow_up"
            day = first_day + dt.timedelta(days=n)
            visit_id = repo.create_visit(patient.id, kind, ["buttock_pain"], visit_date=day).id
            repo.save_answer(visit_id, "injection_history", "yes")
    window.show_patient(patient.id)
    return patient.id


def _spy_reads(monkeypatch: pytest.MonkeyPatch, also: Any = None) -> list[tuple[str, Any]]:
    reads: list[tuple[str, Any]] = []
    original = Repository.get_visit

    def get_visit(self: Repository, visit_id: int) -> Visit:
        reads.append((threading.current_thread().name, self))
        if also is not None:
            also(self)
        return original(self, visit_id)

    monkeypatch.setattr(Repository, "get_visit", get_visit)
    return reads


def _exports(window: MainWindow, entity: str) -> list[str]:
    return [e.action for e in window.ops.repo.audit_trail(entity) if e.action == "export"]


def test_a_patient_record_as_fhir_is_read_and_written_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _patient(window, dt.date(2022, 1, 3))
    out = tmp_path / "patient.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    reads = _spy_reads(monkeypatch)
    gate = threading.Event()
    write = service.write_fhir

    def held(*args: Any) -> Any:
        assert gate.wait(30)  # the worker waits until the test has seen the event loop run
        return write(*args)

    monkeypatch.setattr(service, "write_fhir", held)
    trigger(window, "Export patient record as FHIR…")
    job = window.exchange_job
    assert job is not None
    ticked: list[bool] = []
    QTimer.singleShot(0, lambda: ticked.append(True))
    qtbot.waitUntil(lambda: ticked == [True])  # the window handles events: nothing holds it
    assert reads == [] and not out.exists()
    gate.set()
    qtbot.waitUntil(lambda: job.ended, timeout=60_000)
    bundle = json.loads(out.read_text(encoding="utf-8"))
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Encounter") == VISITS
    assert len(reads) == VISITS and {name for name, _ in reads} == {"exchange-export"}
    assert all(repo is not window.ops.repo for _, repo in reads)
    assert _exports(window, "patient") == ["export"]  # audited in the window's repository
    assert "FHIR Bundle written" in window.statusBar().currentMessage()


def test_cancel_while_a_fhir_record_is_read_writes_and_audits_nothing(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _patient(window, dt.date(2022, 1, 3))
    out = tmp_path / "patient.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    reached, resume = threading.Event(), threading.Event()
    copies: list[Any] = []

    def tenth_read_waits(repo: Any) -> None:  # on the worker: hold it mid-reading
        if repo is not window.ops.repo:
            copies.append(repo)
            if len(copies) == 10:
                reached.set()
                assert resume.wait(30)

    _spy_reads(monkeypatch, tenth_read_waits)
    trigger(window, "Export patient record as FHIR…")
    job = window.exchange_job
    assert job is not None
    cancelled: list[bool] = []
    job.cancelled.connect(lambda: cancelled.append(True))
    try:
        qtbot.waitUntil(reached.is_set, timeout=30_000)
        [dialog] = window.findChildren(QProgressDialog)
        qtbot.waitUntil(dialog.isVisible, timeout=5_000)  # after its half-second delay
        qtbot.waitUntil(lambda: dialog.labelText() == "Reading the records… visit 1 of 60")
        [cancel] = dialog.findChildren(QPushButton)
        cancel.click()
    finally:
        resume.set()
    qtbot.waitUntil(lambda: job.ended, timeout=60_000)
    assert cancelled == [True] and len(copies) == 10  # not one visit more was read
    assert not out.exists() and list(tmp_path.glob("patient*")) == []  # no partial file
    assert _exports(window, "patient") == []


def test_visits_as_csv_from_the_menu_are_written_off_the_gui_thread_and_audited(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _patient(window, dt.date.today() - dt.timedelta(days=VISITS + 5))  # in the default year
    out = tmp_path / "visits.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(CsvExportDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    reads = _spy_reads(monkeypatch)
    trigger(window, "Export visits as CSV…")
    job = window.exchange_job
    assert job is not None
    qtbot.waitUntil(lambda: job.ended, timeout=60_000)
    with out.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert len(rows) == 1 + VISITS  # a header and one row per visit
    assert {name for name, _ in reads} == {"exchange-export"}
    assert _exports(window, "database") == ["export"]
    assert f"{VISITS} visit(s) written to {out}" in window.statusBar().currentMessage()
