"""The clinic server in the window: its URL typed in Settings, tested and saved for the next
start; and a patient edited on two workstations at once (real PostgreSQL, tests/pg_server.py)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from desktop_app import workstation
from desktop_app.app import App
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.application import open_window
from desktop_app.gui.dialogs import PatientDialog
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.settings_dialog import SettingsDialog
from desktop_app.storage.repository import Repository
from tests import pg_server
from tests.gui.conftest import GUI_CLINICIAN, Recorder, answer_dialog, press_ok
from tests.gui.conftest import wait_for_startup_checks as _wait_for_startup_checks

_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def cluster(kb: KnowledgeBase) -> Iterator[pg_server.Cluster]:
    with pg_server.clinic(kb) as running:
        yield running


@pytest.fixture
def server_url(cluster: pg_server.Cluster) -> str:
    """A fresh migrated clinic database, as the clinician's URL (no password anywhere)."""
    name = pg_server.new_database(cluster, f"gui_{next(_numbers)}")
    return cluster.url(name, pg_server.CLINICIAN)


def settings(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    dialog = SettingsDialog(window.ops, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def type_url(qtbot: QtBot, field: QLineEdit, url: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, url)


def result(qtbot: QtBot, dialog: SettingsDialog) -> str:
    """The box's message once the test on its worker thread has ended."""
    box = dialog.server
    qtbot.waitUntil(lambda: box.worker is not None and box.url.isEnabled(), timeout=20_000)
    assert box.worker is not None and box.worker.wait(5) and box.progress.isHidden()
    return box.message.text()


def test_the_server_url_typed_in_settings_is_tested_then_used_from_the_next_start(
    qtbot: QtBot, window: MainWindow, server_url: str
) -> None:
    dialog = settings(qtbot, window)
    box = dialog.server
    type_url(qtbot, box.url, server_url)
    qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
    assert box.progress.isVisible() and not box.url.isEnabled()  # busy while the worker connects
    found = result(qtbot, dialog)
    assert found.startswith(f"Connected to 127.0.0.1:{server_url.split(':')[2].split('/')[0]}")
    assert f"as {pg_server.CLINICIAN}, PostgreSQL" in found
    assert workstation.chosen_server() is None  # a test saves nothing
    qtbot.mouseClick(box.use_button, Qt.MouseButton.LeftButton)
    assert "From the next start the app opens this clinic server." in result(qtbot, dialog)
    assert workstation.chosen_server() == server_url
    assert App().server_url() == server_url  # what the next start (window or command) opens
    dialog.reject()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("clinic-server/gluteal", "Enter the clinic server as postgresql://"),
        ("postgresql://ann:secret@clinic-server/gluteal", "Leave the password out of the URL"),
        ("postgresql://ann@clinic-server", "Add the database name"),
    ],
)
def test_a_url_that_cannot_work_or_holds_a_password_is_never_saved(
    qtbot: QtBot, window: MainWindow, typed: str, said: str
) -> None:
    dialog = settings(qtbot, window)
    type_url(qtbot, dialog.server.url, typed)
    qtbot.mouseClick(dialog.server.use_button, Qt.MouseButton.LeftButton)
    assert dialog.server.message.text().startswith(said)
    assert not workstation.settings_file().exists() or "secret" not in (
        workstation.settings_file().read_text(encoding="utf-8")
    )
    assert workstation.chosen_server() is None
    dialog.reject()


def test_a_server_that_refuses_is_a_clear_message_and_nothing_saved(
    qtbot: QtBot, window: MainWindow, cluster: pg_server.Cluster, server_url: str
) -> None:
    dialog = settings(qtbot, window)
    for url, said in (
        (cluster.url("no_such_database", pg_server.CLINICIAN), "has no such database"),
        (server_url.replace(pg_server.CLINICIAN.replace(" ", "%20"), "nobody"), "no such login"),
        ("postgresql://ann@127.0.0.1:1/gluteal", "cannot be reached"),
    ):
        type_url(qtbot, dialog.server.url, url)
        qtbot.mouseClick(dialog.server.use_button, Qt.MouseButton.LeftButton)
        text = result(qtbot, dialog)
        assert text.startswith("Not saved: The clinic server") and said in text, text
        assert "Traceback" not in text
    assert workstation.chosen_server() is None
    dialog.reject()


def test_a_patient_changed_on_another_workstation_is_not_overwritten(
    qtbot: QtBot,
    kb: KnowledgeBase,
    server_url: str,
    warnings_shown: Recorder,
) -> None:
    window = open_window(App(db=server_url, kb=kb))
    assert window is not None
    qtbot.addWidget(window)
    try:
        with Repository.open_server(server_url, kb) as other:
            if window.ops.repo.needs_set_up():
                window.ops.repo.add_clinician(*GUI_CLINICIAN)
            patient = other.create_patient("Zoë Łukasiewicz", dt.date(1980, 5, 17), "female", "C-1")
            window.show_patient(patient.id)
            # The other workstation corrects the identifier while this one shows the patient.
            other.update_patient(replace(other.get_patient(patient.id), clinic_id="C-100"))

            def fill(dialog: PatientDialog) -> None:
                dialog.name.setFocus()
                dialog.name.selectAll()
                qtbot.keyClicks(dialog.name, "Zoe Lukasiewicz-Nowak")
                press_ok(dialog)

            seen = answer_dialog(PatientDialog, fill)
            window.edit_patient()
            assert seen
            ((title, text),) = warnings_shown.calls
            assert title == "Could not save the patient's details"
            assert f"changed on another workstation by {pg_server.CLINICIAN} at" in text
            stored = other.get_patient(patient.id)
            assert (stored.name, stored.clinic_id) == ("Zoë Łukasiewicz", "C-100")  # theirs kept
            assert window.patient is not None and window.patient.clinic_id == "C-100"  # shown now
    finally:
        window.close()
        if window.startup_checks is not None:
            _wait_for_startup_checks(qtbot, window)


def test_a_login_tied_to_a_clinician_offers_them_to_sign(
    qtbot: QtBot, kb: KnowledgeBase, cluster: pg_server.Cluster, server_url: str
) -> None:
    import psycopg

    with psycopg.connect(cluster.url(), autocommit=True) as su:
        if su.execute("SELECT 1 FROM pg_roles WHERE rolname = 'Ann Smith'").fetchone() is None:
            su.execute('CREATE ROLE "Ann Smith" LOGIN IN ROLE gluteal_clinician')
    database = server_url.rsplit("/", 1)[1]
    with Repository.open_server(cluster.url(database, pg_server.ADMIN), kb) as admin:
        admin.add_clinician("Alex Morgan", "Physiotherapist")  # first in name order
        ann = admin.add_clinician("Ann Smith", "Physiotherapist")
        admin.tie_clinician_role(ann.id, "Ann Smith")
    window = open_window(App(db=cluster.url(database, "Ann Smith"), kb=kb))
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert window.ops.repo.actor == ann.actor
        chosen = window.ops.default_clinician()
        assert chosen is not None and chosen.id == ann.id
    finally:
        window.close()
        if window.startup_checks is not None:
            _wait_for_startup_checks(qtbot, window)


def test_a_password_given_with_db_is_never_shown_in_settings(
    qtbot: QtBot, kb: KnowledgeBase, server_url: str
) -> None:
    with_password = server_url.replace("@", ":secret@", 1)  # the test server trusts its logins
    window = open_window(App(db=with_password, kb=kb))
    assert window is not None
    qtbot.addWidget(window)
    try:
        if window.ops.repo.needs_set_up():
            window.ops.repo.add_clinician(*GUI_CLINICIAN)
        dialog = settings(qtbot, window)
        assert "secret" not in dialog.server.url.text()
        dialog.reject()
    finally:
        window.close()
        if window.startup_checks is not None:
            _wait_for_startup_checks(qtbot, window)
