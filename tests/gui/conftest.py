"""GUI fixtures: the shipped knowledge base, a real database file, temporary QSettings."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app import paths
from desktop_app.app import App
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.gui.application import configure, open_window
from desktop_app.gui.main_window import MainWindow


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The offscreen plugin says it cannot resize top-level windows to their hints: harmless."""
    gui = Path(__file__).parent
    for item in items:
        if gui in item.path.parents:
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))


GUI_CLINICIAN = ("Dr Jane Roe", "Physiotherapist", "PH123456")


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    # The GUI shows the shipped content; the tests look IDs up in it rather than copying text.
    return load_knowledge_base(paths.KNOWLEDGE_BASE)


@pytest.fixture(scope="session", autouse=True)
def styled_app(qapp: QApplication) -> None:
    # Once: re-applying a style sheet restyles every widget still alive.
    configure(qapp)


@pytest.fixture(autouse=True)
def gui_settings(tmp_path: Path) -> None:
    """Window state and the last patient go to a temporary INI file, never the user's."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "ini"))


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """The app's start freezes the objects it made (gui/gui_thread_collector.py): undone after
    each test, so that the collector frees that test's windows."""
    yield
    gc.unfreeze()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "visits.sqlite3"


@pytest.fixture
def open_app(qtbot: QtBot, db_path: Path, kb: KnowledgeBase) -> Iterator[Callable[[], MainWindow]]:
    """Open the application window on db_path (callable again to "restart" the app)."""
    windows: list[MainWindow] = []

    def start() -> MainWindow:
        window = open_window(App(db=db_path, kb=kb))
        assert window is not None
        if window.ops.repo.needs_set_up():  # as after the first-run set-up (tested on its own)
            window.ops.repo.add_clinician(*GUI_CLINICIAN)
        qtbot.addWidget(window)
        if window.store.value("geometry") is None:  # a restart keeps the remembered geometry
            window.resize(1400, 900)
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield start
    for window in windows:
        if window.isVisible():
            window.close()
        wait_for_startup_checks(qtbot, window)  # no worker outlives its test


def wait_for_startup_checks(qtbot: QtBot, window: MainWindow) -> None:
    """Until the background integrity check and start-up backup have ended and reported."""
    checks = window.startup_checks
    assert checks is not None
    qtbot.waitUntil(lambda: checks.done, timeout=10_000)


@pytest.fixture
def window(open_app: Callable[[], MainWindow]) -> MainWindow:
    return open_app()


def answer_dialog(dialog_type: type[QDialog], fill: Callable[[Any], None]) -> list[QDialog]:
    """Answer the next modal dialog of a type with `fill` (which must accept or reject it).

    Waits until the dialog is the active window, so keyboard input reaches it. If `fill` fails,
    the dialog is rejected so the test reports the failure instead of hanging.
    """
    seen: list[QDialog] = []
    tries = [0]

    def handle() -> None:
        dialog = QApplication.activeModalWidget()
        tries[0] += 1
        ready = isinstance(dialog, dialog_type) and (dialog.isActiveWindow() or tries[0] > 100)
        if not ready:
            QTimer.singleShot(10, handle)
            return
        assert isinstance(dialog, QDialog)
        seen.append(dialog)
        try:
            fill(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, handle)
    return seen


def press_ok(dialog: QDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    buttons = (QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Save)
    next(box.button(b) for b in buttons if box.button(b) is not None).click()


class Recorder:
    """Stands in for a static QMessageBox function and remembers what it was asked."""

    def __init__(self, answer: Any = None) -> None:
        self.calls: list[tuple[str, str]] = []
        self.answer = answer

    def __call__(self, parent: object, title: str, text: str, *args: object, **kw: object) -> Any:
        self.calls.append((title, text))
        return self.answer


@pytest.fixture
def yes(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """QMessageBox.question answers Yes."""
    recorder = Recorder(QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "question", recorder)
    return recorder


@pytest.fixture
def warnings_shown(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """QMessageBox.warning is recorded instead of shown."""
    recorder = Recorder()
    monkeypatch.setattr(QMessageBox, "warning", recorder)
    return recorder
