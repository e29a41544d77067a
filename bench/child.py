"""Run in a fresh interpreter by cold_start.py and memory.py: show a window, then report.

    python bench/child.py floor|stack|app [--db PATH] [--search TEXT]
                                    [--until-visit | --until-checks | --quit-at-once]
    python bench/child.py remember --patient ID --visit ID

Prints "shown" once the main window is visible and painted (and, with --search, after the
patient search ran: through the app's search box, or for the floor as the raw ordered name query
on --db), with --until-visit "visit" once the last session's visit is open in the editor, with
--until-checks "checks" once the start-up check and backup have ended, with --quit-at-once
"closing" as it closes the window, then the peak resident set size in kB, and quits. `remember`
writes the app's settings as a session that ended with that visit open (a returning user),
without starting the app.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

CHECKING_MS = 300  # how long the start-up worker runs before --quit-at-once closes the window
COLUMNS = "p.id, p.name, p.date_of_birth, p.sex, p.clinic_id, p.contact, p.notes"


def main_window() -> QMainWindow:
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)]
    visible = [w for w in windows if w.isVisible()]
    if not visible:
        raise SystemExit("no main window is visible")
    return visible[0]


def app_search(text: str) -> Callable[[QMainWindow], None]:
    """Type into the main window's search box (it searches on every change) and paint."""

    def search(window: QMainWindow) -> None:
        window.search.setText(text)  # type: ignore[attr-defined]
        if window.list.count() == 0:  # type: ignore[attr-defined]
            raise SystemExit(f"the search for {text!r} showed no patient")
        window.repaint()
        # The integrity check and start-up backup run on a worker thread once the window has
        # painted; the peak must include them (the event loop turns until they have reported).
        checks = getattr(window, "startup_checks", None)
        deadline = time.monotonic() + 120
        while checks is not None and not checks.done:
            if time.monotonic() > deadline:
                raise SystemExit("the start-up checks did not finish within 120 s")
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    return search


def raw_search(db: str, text: str) -> Callable[[QMainWindow], None]:
    """The floor's search: the same ordered name query as plain SQL on the same file."""

    def search(window: QMainWindow) -> None:
        from desktop_app.storage.search import name_query, name_sql

        query = name_query(text)
        if query is None:
            raise SystemExit(f"nothing to search for in {text!r}")
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        params = [query.prefix, *query.patterns, 50]
        if not conn.execute(name_sql(query, COLUMNS), params).fetchall():
            raise SystemExit(f"the raw search for {text!r} found no patient")
        conn.close()

    return search


def peak_rss_kb() -> int:
    """This process image's peak resident set size in kB.

    Linux keeps ru_maxrss across fork and exec, so a child started by a large benchmark process
    would report its parent's size; VmHWM belongs to the current image only.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss // 1024 if sys.platform == "darwin" else maxrss  # bytes on macOS


def report(then: Callable[[QMainWindow], None] | None, after: str = "") -> None:
    window = main_window()
    window.repaint()  # the first frame is on screen, not merely scheduled
    if then is not None:
        then(window)
    print("shown", flush=True)
    if after == "visit":
        _when_visit_open(window)
        return
    if after == "checks":
        _when_checked(window)
        return
    if after == "quit":  # the user closes the window while the checks run: until the end
        _quit_while_checking(window)
        return
    print(peak_rss_kb(), flush=True)
    QApplication.quit()


def _when_visit_open(window: QMainWindow) -> None:
    """Print "visit" once the editor shows the reopened visit and has painted, then quit."""
    editor = getattr(window, "_editor", None)
    if editor is not None and window.stack.currentWidget() is editor:  # type: ignore[attr-defined]
        window.repaint()
        print("visit", flush=True)
        print(peak_rss_kb(), flush=True)
        QApplication.quit()
        return
    QTimer.singleShot(1, lambda: _when_visit_open(window))


def _quit_while_checking(window: QMainWindow, waited: int = 0) -> None:
    """Close the window once the start-up worker has run for CHECKING_MS (it starts after the
    first paint), so that quitting interrupts a check or copy under way; print "closing"."""
    checks = getattr(window, "startup_checks", None)
    thread = getattr(checks, "_thread", None)
    if thread is not None and thread.ident is None and 0 <= waited < 2000:  # not started yet
        QTimer.singleShot(5, lambda: _quit_while_checking(window, waited + 5))
        return
    if thread is not None and waited >= 0:  # started (or never will): let it get under way
        QTimer.singleShot(CHECKING_MS, lambda: _quit_while_checking(window, -1))
        return
    print("closing", flush=True)
    print(peak_rss_kb(), flush=True)
    window.close()
    QApplication.quit()


def _when_checked(window: QMainWindow) -> None:
    """Print "checks" once the start-up check and backup have ended, then quit."""
    checks = getattr(window, "startup_checks", None)
    if checks is None or checks.done:
        print("checks", flush=True)
        print(peak_rss_kb(), flush=True)
        window.close()  # as a user quits: the database closed cleanly, the check's record kept
        QApplication.quit()
        return
    QTimer.singleShot(5, lambda: _when_checked(window))


def remember(patient: int, visit: int) -> int:
    """The settings a session leaves when it ends with ``visit`` open."""
    from desktop_app.gui.preferences import app_settings

    store = app_settings()
    store.setValue("last_patient", patient)
    store.setValue("last_visit", visit)
    store.sync()
    return 0


def report_when_the_loop_starts(
    then: Callable[[QMainWindow], None] | None, after: str = ""
) -> None:
    """Wrap QApplication.exec so the report runs on the first turn of the event loop."""
    original = QApplication.exec

    def exec_(*_instance: object) -> int:  # called on the class or on the instance
        QTimer.singleShot(0, lambda: report(then, after))
        return original()

    QApplication.exec = exec_  # type: ignore[method-assign]


def floor() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.show()
    return app.exec()


def stack(db: str) -> int:
    """The stack's own floor: the bare window plus what any window of this stack pays before a
    first screen like the app's, without a line of the app: sqlite-utils imported and the file
    opened through it, Qt's namespace, Fusion, a menu bar of 4 menus and 16 actions, a search
    box, a list of up to 50 names read from the file, a button, a welcome text, a status bar."""
    import sqlite_utils
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import (
        QLabel,
        QLineEdit,
        QListWidget,
        QPushButton,
        QSplitter,
        QVBoxLayout,
        QWidget,
    )

    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    database = sqlite_utils.Database(sqlite3.connect(db), execute_plugins=False)
    names = []
    if "patients" in database.table_names():
        names = [r[0] for r in database.execute("SELECT name FROM patients LIMIT 50")]
    window = QMainWindow()
    for menu_name in ("&File", "&Edit", "&Visit", "&Help"):
        menu = window.menuBar().addMenu(menu_name)
        for n in range(4):
            action = QAction(f"Action {n}", window)
            action.setShortcut(f"Ctrl+{n + 1}")
            menu.addAction(action)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    left = QWidget()
    side = QVBoxLayout(left)
    patients = QListWidget()
    patients.addItems(names)
    for widget in (QLabel("Patients"), QLineEdit(), patients, QPushButton("New patient")):
        side.addWidget(widget)
    splitter.addWidget(left)
    splitter.addWidget(QLabel("<h2>Welcome</h2>"))
    window.setCentralWidget(splitter)
    window.statusBar().addPermanentWidget(QLabel(db))
    window.resize(1360, 860)
    window.show()
    return app.exec()


def app(db: str) -> int:
    from desktop_app.app import main

    return main(["--db", db])


def run() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("floor", "stack", "app", "remember"))
    parser.add_argument("--db")
    parser.add_argument("--search")
    parser.add_argument("--until-visit", action="store_true")
    parser.add_argument("--until-checks", action="store_true")
    parser.add_argument("--quit-at-once", action="store_true")
    parser.add_argument("--patient", type=int)
    parser.add_argument("--visit", type=int)
    args = parser.parse_args()
    if args.mode == "remember":
        return remember(args.patient, args.visit)
    then = None
    if args.search is not None:
        then = app_search(args.search) if args.mode == "app" else raw_search(args.db, args.search)
    after = "visit" if args.until_visit else "checks" if args.until_checks else ""
    report_when_the_loop_starts(then, "quit" if args.quit_at_once else after)
    if args.mode == "stack":
        return stack(args.db)
    return floor() if args.mode == "floor" else app(args.db)


if __name__ == "__main__":
    raise SystemExit(run())
