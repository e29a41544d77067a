"""Cyclic garbage is collected on the GUI thread only (gui/gui_thread_collector.py)."""

from __future__ import annotations

import datetime as dt
import gc
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_app.app import App
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.application import open_window
from desktop_app.gui.preferences import app_settings
from desktop_app.storage.repository import Repository
from tests.gui.conftest import wait_for_startup_checks


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture
def collections() -> Iterator[list[str]]:
    """The name of the thread each collection ran in, while the test runs."""
    seen: list[str] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(threading.current_thread().name)

    gc.callbacks.append(record)
    yield seen
    gc.callbacks.remove(record)


def test_a_worker_that_makes_cyclic_garbage_never_collects_it(
    qtbot: QtBot, collections: list[str]
) -> None:
    label = QLabel("an earlier window's widget")  # Qt garbage a collection may delete
    label.cycle = label  # type: ignore[attr-defined]
    watched = weakref.ref(label)
    del label

    def allocate() -> None:  # far past every generation's threshold
        for _ in range(200_000):
            Node()

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()

    assert "worker" not in collections
    qtbot.waitUntil(lambda: watched() is None, timeout=5_000)  # the GUI thread's timer freed it
    assert set(collections) == {threading.main_thread().name}


def test_the_apps_start_freezes_what_it_made_and_collects_what_came_before(
    qtbot: QtBot, db_path: Path, kb: KnowledgeBase
) -> None:
    """After the start (knowledge base, first paint, last visit), a full collection no longer
    walks the start's objects; garbage from before is freed, garbage made later still is."""
    with Repository.open(db_path, kb) as repo:
        repo.add_clinician("Dr Jane Roe", "Physiotherapist", "PH123456")
        patient = repo.create_patient("Greta Frozen", dt.date(1970, 1, 2), "female")
        visit = repo.create_visit(patient.id, "initial", ["buttock_pain"])
    settings = app_settings()  # a returning user: the last session ended with the visit open
    settings.setValue("last_patient", patient.id)
    settings.setValue("last_visit", visit.id)
    before = Node()
    earlier = weakref.ref(before)
    del before

    window = open_window(App(db=db_path, kb=kb), reopen_after_paint=True)
    assert window is not None
    qtbot.addWidget(window)
    assert gc.get_freeze_count() == 0  # nothing before the first paint
    qtbot.waitUntil(lambda: window.pending_visit is None and gc.get_freeze_count() > 0)
    editor = window.editor
    assert editor.visit is not None and editor.visit.id == visit.id
    assert earlier() is None  # collected, not kept for good
    tracked = {id(o) for o in gc.get_objects()}  # what a full collection walks
    assert id(editor) not in tracked and id(window.ops.repo.kb) not in tracked
    assert gc.get_freeze_count() > len(tracked)

    later = Node()
    made_later = weakref.ref(later)
    del later
    for _ in range(200_000):  # past every generation's threshold
        Node()
    qtbot.waitUntil(lambda: made_later() is None, timeout=5_000)  # the GUI thread's timer
    window.close()
    wait_for_startup_checks(qtbot, window)
