"""Autosave waits for the disk off the GUI thread (issue 17): "Saving…" once committed, "✔ Saved"
only after the write-ahead log is synced, a disk that refuses the sync is said plainly, and every
other write keeps waiting for the disk itself. The kills are in test_crash_recovery.py."""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from desktop_app.gui.disk_sync import DiskSync
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.widgets import SaveState
from tests.gui.flows import activate, create_patient, start_visit

FULL = 2  # PRAGMA synchronous


def test_a_click_says_saved_only_once_the_disk_holds_it(qtbot: QtBot, window: MainWindow) -> None:
    create_patient(window, "Sync Tester", QDate(1980, 1, 1))
    start_visit(window, ["gluteal_depression"])
    activate(qtbot, window)
    editor = window.editor
    window.ops.flush_saves()  # opening the visit cached its leading condition: on the disk now
    states: list[str] = []
    window.ops.saveState.connect(states.append)
    editor.history.rows["injection_history"].input.buttons.buttons["yes"].click()

    assert editor.saved.text() == "Saving…"  # committed; the sync runs on the worker
    db = window.ops.repo.db
    assert db.execute("PRAGMA synchronous").fetchone()[0] == FULL  # for every other write
    qtbot.waitUntil(lambda: editor.saved.text().startswith("✔ Saved"))
    assert not window.ops.disk.pending
    assert states[:1] == ["saving"] and states[-1] == "saved"
    answers = window.ops.repo.get_visit(editor.visit.id).observations.answers  # type: ignore[union-attr]
    assert answers["injection_history"] == "yes"

    editor.history.rows["injection_history"].input.buttons.buttons["no"].click()
    editor.flush()  # leaving the visit or quitting: waits here for the disk
    assert not window.ops.disk.pending  # on the disk when flush returns
    # The label follows on the next turn of the event loop (a queued signal): CI once read it
    # in between.
    qtbot.waitUntil(lambda: editor.saved.text().startswith("✔ Saved"))


def test_a_disk_that_refuses_the_sync_is_said_plainly(qtbot: QtBot, tmp_path: Path) -> None:
    log = tmp_path / "visits.sqlite3-wal"
    log.mkdir()  # a log that cannot be opened for writing: the fsync's open fails for real
    disk = DiskSync()
    failed: list[str] = []
    disk.failed.connect(failed.append)
    disk.committed(str(log))
    qtbot.waitUntil(lambda: bool(failed))
    assert "the disk did not confirm writing them" in failed[0]
    assert "Is a directory" in failed[0] and not disk.pending

    synced: list[bool] = []
    disk.synced.connect(lambda: synced.append(True))
    log.rmdir()
    log.write_bytes(b"")
    disk.committed(str(log))  # the next edit tries again
    qtbot.waitUntil(lambda: bool(synced))
    disk.flush()
    assert not disk.pending


def test_a_refusal_the_window_has_not_looked_at_yet_is_said_on_leaving(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Quitting right after a click: the worker's refusal came before the timer's next look."""
    log = tmp_path / "visits.sqlite3-wal"
    log.mkdir()  # the fsync's open fails for real
    disk = DiskSync()
    failed: list[str] = []
    disk.failed.connect(failed.append)
    disk.committed(str(log))
    deadline = time.monotonic() + 10
    while disk.pending and time.monotonic() < deadline:  # no event loop: the timer cannot look
        time.sleep(0.001)
    assert not disk.pending and not failed
    disk.flush()  # leaving the visit, or quitting
    assert len(failed) == 1 and "Is a directory" in failed[0]


def test_the_worker_ends_when_quitting_gave_up_waiting_for_it(qtbot: QtBot, tmp_path: Path) -> None:
    """flush closes its end of the pipe after QUIT_WAIT_S when the worker is still in an fsync;
    the worker must then end, not sync in a loop for the rest of the session."""
    log = tmp_path / "visits.sqlite3-wal"
    log.write_bytes(b"")
    disk = DiskSync()
    disk.committed(str(log))
    assert disk._ended is not None and disk._pipe is not None
    ended, ours = disk._ended, disk._pipe[1]
    os.close(ours)  # what flush does once its wait for the thread timed out
    disk._pipe, disk._ended = None, None
    assert ended.acquire(timeout=5)  # the worker has ended


def test_the_save_label_keeps_one_size_per_font_and_its_text_fits(qtbot: QtBot) -> None:
    """A fixed size (a label whose size changes lays the whole window out again on every
    click); measured once per font: "⚠ Not saved" is bold, and going back must not grow it."""
    label = SaveState()
    qtbot.addWidget(label)
    label.show()
    sizes: dict[bool, set[tuple[int, int]]] = {False: set(), True: set()}
    for state in ("saving", "saved", "failed", "saved", "saving", "failed", "saved", "saving"):
        label.show_state(state)
        assert label.minimumSize() == label.maximumSize()
        sizes[state == "failed"].add((label.minimumWidth(), label.minimumHeight()))
        room = label.contentsRect().width()
        assert label.fontMetrics().horizontalAdvance(label.text()) <= room, label.text()
    assert len(sizes[False]) == 1 and len(sizes[True]) == 1
