"""Run in a fresh interpreter by cold_start.py and memory.py: show a window, then report.

    python bench/child.py floor|app [--db PATH] [--search TEXT]

Prints "shown" once the main window is visible and painted (and, with --search, after the
patient search was run through the window), then the peak resident set size in kB, and quits.
"""

from __future__ import annotations

import argparse
import resource
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def main_window() -> QMainWindow:
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)]
    visible = [w for w in windows if w.isVisible()]
    if not visible:
        raise SystemExit("no main window is visible")
    return visible[0]


def report(search: str | None) -> None:
    window = main_window()
    window.repaint()  # the first frame is on screen, not merely scheduled
    if search is not None:
        from bench.gui_driver import search_in_window

        search_in_window(window, search)
    print("shown", flush=True)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
    QApplication.quit()


def report_when_the_loop_starts(search: str | None) -> None:
    """Wrap QApplication.exec so the report runs on the first turn of the event loop."""
    original = QApplication.exec

    def exec_() -> int:
        QTimer.singleShot(0, lambda: report(search))
        return original()

    QApplication.exec = exec_  # type: ignore[method-assign]


def floor() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.show()
    return app.exec()


def app(db: str) -> int:
    from desktop_app.app import main

    return main(["--db", db])


def run() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("floor", "app"))
    parser.add_argument("--db")
    parser.add_argument("--search")
    args = parser.parse_args()
    report_when_the_loop_starts(args.search)
    return floor() if args.mode == "floor" else app(args.db)


if __name__ == "__main__":
    raise SystemExit(run())
