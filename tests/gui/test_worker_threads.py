"""The cyclic collector never runs in a worker thread (gui/worker_threads.py)."""

from __future__ import annotations

import gc
import threading

from pytestqt.qtbot import QtBot

from desktop_app.gui.worker_threads import start_worker


def test_the_collector_is_paused_while_any_worker_runs_and_back_after_the_last(
    qtbot: QtBot,
) -> None:
    qtbot.waitUntil(gc.isenabled, timeout=5_000)  # an earlier test's worker may just have ended
    release_first, release_second = threading.Event(), threading.Event()
    first = threading.Thread(target=release_first.wait, daemon=True)
    second = threading.Thread(target=release_second.wait, daemon=True)
    start_worker(first)
    start_worker(second)
    assert not gc.isenabled()
    release_first.set()
    first.join()
    qtbot.wait(500)  # the GUI thread looks again: one worker still runs
    assert not gc.isenabled()
    release_second.set()
    second.join()
    qtbot.waitUntil(gc.isenabled, timeout=5_000)


def test_a_collector_switched_off_elsewhere_stays_off(qtbot: QtBot) -> None:
    qtbot.waitUntil(gc.isenabled, timeout=5_000)
    gc.disable()
    try:
        worker = threading.Thread(target=lambda: None, daemon=True)
        start_worker(worker)
        worker.join()
        qtbot.wait(500)
        assert not gc.isenabled()
    finally:
        gc.enable()
