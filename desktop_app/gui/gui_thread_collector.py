"""Python's cyclic garbage collector, run on the GUI thread only.

The interpreter collects in whichever thread allocates when a generation's threshold is crossed.
When that is a worker thread (PDF export, start-up checks, the disk sync) and the garbage holds
Qt objects, Qt deletes them off their thread: a segmentation fault (seen under Python 3.13 in the
export thread) or a deadlock with the GUI thread (seen in a test run: the start-up checks thread
deleting an earlier window's labels inside a collection while the GUI thread deleted widgets;
py-spy showed each waiting for the other). So automatic collection is off while the app runs,
and a GUI-thread timer collects the generation whose threshold has been crossed, as the
interpreter would have. Reference counting still frees everything not in a cycle at once.

Once the start-up is done (knowledge base loaded, window painted, last visit reopened) the objects
that exist then (modules, the knowledge base, the window's widgets and their wrappers: ~60k) live
as long as the app: `freeze_start_up` moves them out of the collected generations, so a full
collection walks only what came after instead of them all (bench/README.md, "Garbage collection
after start-up"). They are still freed by reference counting; only a cycle among them outlives
its use (bounded: nothing created later is frozen, garbage is collected before).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QTimer

INTERVAL_MS = 250
_TIMER_NAME = "gui-thread-collector"


def collect_on_gui_thread(app: QCoreApplication) -> None:
    """Switch automatic collection off and collect from `app`'s thread instead (once per app)."""
    if app.findChild(QTimer, _TIMER_NAME) is not None:
        return
    gc.disable()
    timer = QTimer(app)
    timer.setObjectName(_TIMER_NAME)
    timer.setInterval(INTERVAL_MS)
    timer.timeout.connect(collect_due)
    timer.start()


def collect_due() -> None:
    """Collect the oldest generation whose count has reached its threshold, if any."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in (2, 1, 0):
        if thresholds[generation] and counts[generation] >= thresholds[generation]:
            gc.collect(generation)
            return


def freeze_start_up() -> None:
    """The objects alive now leave the collected generations (gc.freeze), once start-up is done;
    one full collection first, so that no garbage (an earlier window's) is kept for good."""
    gc.collect()
    gc.freeze()
