"""A returning user's window shows first; the last visit reopens right after its first frame
(issue 17: opening it before the window showed made a returning start 4.6-6.7x a bare window)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, QEvent, QObject
from pytestqt.qtbot import QtBot

from desktop_app.app import App
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.application import open_window
from desktop_app.gui.main_window import MainWindow
from tests.gui.conftest import wait_for_startup_checks
from tests.gui.flows import click, create_patient, start_visit


class PaintsBeforeVisit(QObject):
    """Records, at each paint of the window, whether the visit editor was already shown."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.editor_shown_at_paint: list[bool] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.editor_shown_at_paint.append(
                self.window.stack.currentWidget() is self.window._editor
            )
        return False


def test_the_last_visit_reopens_after_the_first_paint_as_it_was(
    qtbot: QtBot, open_app: Callable[[], MainWindow], db_path, kb: KnowledgeBase
) -> None:
    first = open_app()
    create_patient(first, "Ida Returning", QDate(1970, 1, 2))
    start_visit(first, ["buttock_pain"])
    click(qtbot, first.editor.history.rows["injection_history"].input.buttons.buttons["yes"])
    visit_id = first.editor.visit.id
    first.close()
    wait_for_startup_checks(qtbot, first)

    window = open_window(App(db=db_path, kb=kb), reopen_after_paint=True)
    assert window is not None
    qtbot.addWidget(window)
    watcher = PaintsBeforeVisit(window)
    window.installEventFilter(watcher)
    assert window.pending_visit == visit_id  # not opened before the window showed
    assert window.stack.currentWidget() is window.page and window.page.name.text() == (
        "Ida Returning"
    )
    qtbot.waitUntil(lambda: window.pending_visit is None)
    editor = window.editor
    assert window.stack.currentWidget() is editor and editor.visit.id == visit_id
    assert editor.history.rows["injection_history"].input.buttons.buttons["yes"].isChecked()
    assert watcher.editor_shown_at_paint and watcher.editor_shown_at_paint[0] is False
    window.close()
    wait_for_startup_checks(qtbot, window)
