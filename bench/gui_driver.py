"""Driving the app's real widgets offscreen: the visit editor, and the search of the main window."""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository

WINDOW_SIZE = (1280, 800)


def application() -> QApplication:
    """The process's QApplication (created offscreen by the caller's environment)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    # Qt delivers a window's update request on a 5 ms timer by default; 0 lets settle() see the
    # paint an action caused instead of leaving it to be counted in the next measurement.
    os.environ["QT_QPA_UPDATE_IDLE_TIME"] = "0"
    app = QApplication([])
    from desktop_app.gui.application import configure

    configure(app)  # the app's style and style sheet: they cost time on every widget
    return app


def settle(seconds: float = 0.0) -> None:
    """Process pending events (layout, then the paint they request), optionally for a while."""
    app = application()
    deadline = time.perf_counter() + seconds
    for _ in range(3):  # events posted by events: layout requests an update, the update paints
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
    while time.perf_counter() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
        time.sleep(0.005)


def shown(widget: QWidget) -> QMainWindow:
    """``widget`` as the central widget of a main window of the usual size, shown and painted."""
    window = QMainWindow()
    window.setCentralWidget(widget)
    window.resize(*WINDOW_SIZE)
    window.show()
    settle()
    window.repaint()
    return window


def visit_editor(repo: Repository, kb: KnowledgeBase, visit_id: int) -> tuple[QMainWindow, object]:
    """The app's VisitEditor with its red-flag banner, in a shown window, with a visit loaded."""
    from desktop_app.gui.operations import Operations
    from desktop_app.gui.red_flag_banner import RedFlagBanner
    from desktop_app.gui.visit_editor import VisitEditor

    page = QWidget()
    layout = QVBoxLayout(page)
    ops = Operations(repo, kb, page)
    banner = RedFlagBanner()
    editor = VisitEditor(ops, banner)
    layout.addWidget(banner)
    layout.addWidget(editor)
    window = shown(page)
    visit = repo.get_visit(visit_id)
    editor.load(visit, repo.get_patient(visit.patient_id))
    settle()
    return window, editor


def choice_button(editor: object, prompt_id: str, value: str) -> QAbstractButton:
    """The toggle button that answers ``prompt_id`` with ``value`` in the history form."""
    row = editor.history.rows[prompt_id]  # type: ignore[attr-defined]
    return row.input.buttons.buttons[value]
