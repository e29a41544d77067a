"""After a power cut the next start says, once and plainly, what did not reach the disk.

The power cut is the storage tests' (tests/storage/test_anchor_power_cut.py): the database's
files are copied when the disk has confirmed every commit, the visit is edited on as the window
saves it (committed without waiting for the disk), the app stops without closing and the copy is
put back, which is what the disk holds after the cut. Not a tamper alarm: the window stays
writable (docs/storage.md, "A power cut is not tampering").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.app import App
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.application import open_window
from desktop_app.gui.lost_on_disk import NOTICE_NAME
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.preferences import app_settings
from desktop_app.storage.repository import Repository
from tests.gui.conftest import wait_for_startup_checks
from tests.gui.flows import activate, create_patient, start_visit
from tests.storage.test_anchor_power_cut import autosave, power_cut, snapshot

PROMPT = "injection_history"


def first_session(qtbot: QtBot, open_app: Callable[[], MainWindow]) -> int:
    """A patient and a visit made in the window, one answer saved; the app closed."""
    first = open_app()
    create_patient(first, "Ida Powercut", QDate(1970, 1, 2))
    start_visit(first, ["buttock_pain"])
    activate(qtbot, first)
    first.editor.history.rows[PROMPT].input.buttons.buttons["yes"].click()
    qtbot.waitUntil(lambda: first.editor.saved.text().startswith("✔ Saved"))
    visit_id = first.editor.visit.id
    first.close()
    wait_for_startup_checks(qtbot, first)
    return visit_id


def cut_power_while_editing(db_path: Path, kb: KnowledgeBase, visit_id: int, disk: Path) -> None:
    """The visit edited twice more; the computer stops before the disk confirmed either."""
    repo = Repository.open(db_path, kb)
    snapshot(db_path, disk)  # everything so far is on the disk (the app was closed)
    autosave(repo, visit_id, PROMPT, "no")
    autosave(repo, visit_id, "pain_on_sitting", "yes")
    power_cut(repo, db_path, disk)


def next_start(qtbot: QtBot, db_path: Path, kb: KnowledgeBase) -> MainWindow:
    """As the app starts (main.py): the window shows, then the rest after its first paint."""
    window = open_window(App(db=db_path, kb=kb), reopen_after_paint=True)
    assert window is not None
    qtbot.addWidget(window)
    return window


def notice(window: MainWindow) -> QMessageBox | None:
    box = window.findChild(QMessageBox, NOTICE_NAME)
    return box if isinstance(box, QMessageBox) and box.isVisible() else None


def test_the_next_start_says_what_a_power_cut_took_and_the_visit_to_check(
    qtbot: QtBot,
    open_app: Callable[[], MainWindow],
    db_path: Path,
    kb: KnowledgeBase,
    tmp_path: Path,
) -> None:
    visit_id = first_session(qtbot, open_app)
    cut_power_while_editing(db_path, kb, visit_id, tmp_path / "disk")

    window = next_start(qtbot, db_path, kb)
    assert notice(window) is None  # not before the window has painted
    qtbot.waitUntil(lambda: notice(window) is not None, timeout=10_000)
    box = notice(window)
    assert box is not None
    text = box.text()
    assert box.icon() == QMessageBox.Icon.Information  # a notice, not a warning or an alarm
    assert box.windowTitle() == "The last changes did not reach the disk"
    assert "the last 2 audited changes, made within" in text, text
    # the clinician's own clock, the date worded as everywhere in the app ("4 Dec 2026")
    assert re.search(r"before \d\d:\d\d:\d\d on \d{1,2} [A-Z][a-z]{2} \d{4} \(this computer", text)
    assert "did not reach the disk before the computer stopped" in text
    assert "The visit open when the app stopped: Ida Powercut, Initial assessment of" in text
    assert "This is not tampering" in text and "saving goes on" in text
    assert "read-only" not in text.lower()

    # The visit is open behind the notice, as the disk held it; the file stays writable.
    editor = window.editor
    assert editor.visit is not None and editor.visit.id == visit_id
    assert editor.history.rows[PROMPT].input.buttons.buttons["yes"].isChecked()
    assert not window.ops.repo.read_only and not window.read_only_bar.isVisible()
    assert "(read-only)" not in window.windowTitle()
    lost = window.ops.repo.db.execute(
        "SELECT detail FROM audit_log WHERE action = 'lost' AND entity = 'audit_log'"
    ).fetchall()
    assert len(lost) == 1 and "the last 2 audited changes" in lost[0][0]  # kept on record

    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: notice(window) is None)
    activate(qtbot, window)
    editor.history.rows[PROMPT].input.buttons.buttons["no"].click()  # the user redoes the edit
    qtbot.waitUntil(lambda: editor.saved.text().startswith("✔ Saved"))
    assert window.ops.repo.get_visit(visit_id).observations.answers[PROMPT] == "no"
    window.close()
    wait_for_startup_checks(qtbot, window)

    again = next_start(qtbot, db_path, kb)  # said once: the loss is in the audit log now
    qtbot.waitUntil(
        lambda: again.pending_visit is None and again.stack.currentWidget() is again.editor
    )
    qtbot.wait(100)
    assert notice(again) is None
    again.close()
    wait_for_startup_checks(qtbot, again)


def test_without_a_visit_to_name_the_notice_says_to_check_the_one_edited_last(
    qtbot: QtBot,
    open_app: Callable[[], MainWindow],
    db_path: Path,
    kb: KnowledgeBase,
    tmp_path: Path,
) -> None:
    visit_id = first_session(qtbot, open_app)
    app_settings().remove("last_visit")  # a session that ended on the patient's page
    cut_power_while_editing(db_path, kb, visit_id, tmp_path / "disk")

    window = next_start(qtbot, db_path, kb)
    qtbot.waitUntil(lambda: notice(window) is not None, timeout=10_000)
    box = notice(window)
    assert box is not None
    assert "check the visit edited last" in box.text()
    assert "The visit open when the app stopped" not in box.text()
    box.button(QMessageBox.StandardButton.Ok).click()
    window.close()
    wait_for_startup_checks(qtbot, window)
