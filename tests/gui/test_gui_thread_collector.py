"""Cyclic garbage is collected on the GUI thread only (gui/gui_thread_collector.py)."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


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
