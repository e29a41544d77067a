"""The PDF-export worker thread, with Python's cyclic garbage collector paused while it runs.

The collector runs in whichever thread happens to allocate when its threshold is reached. When
that is a worker thread and the garbage holds Qt objects of the GUI thread, Qt deletes them off
their thread and the process crashes (seen: a segmentation fault in the PDF-export thread under
Python 3.13, inside a collection). Reference counting still frees everything that is not in a
cycle; the collector is switched back on, on the GUI thread, once every worker has ended.
Used for the export only: pausing it during the start-up checks made a returning user's start
hang now and then inside Qt (tests/gui/test_reopen_after_paint.py, cause not found yet).
"""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QTimer

_running: list[threading.Thread] = []
_collector_was_on = False
_watch: QTimer | None = None


def start_worker(thread: threading.Thread) -> None:
    """Start `thread` (from the GUI thread) with the collector paused until all workers end."""
    global _collector_was_on, _watch
    if not _running:
        _collector_was_on = gc.isenabled()
        gc.disable()
    _running.append(thread)
    thread.start()
    if _watch is None:
        _watch = QTimer()
        _watch.setInterval(200)
        _watch.timeout.connect(_resume_when_all_ended)
    _watch.start()


def _resume_when_all_ended() -> None:
    _running[:] = [thread for thread in _running if thread.is_alive()]
    if _running:
        return
    if _watch is not None:
        _watch.stop()
    if _collector_was_on:
        gc.enable()
