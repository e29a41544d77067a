"""Run work once a window has painted its first frame (issue 17: a returning user's last visit
is reopened after the window shows, not before)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FALLBACK_MS = 3000  # a window that never paints (minimised at start) still gets the work; a
# loaded machine can take over a second to deliver the first paint, which must come first


class _FirstPaint(QObject):
    def __init__(self, window: QWidget, work: Callable[[], None]) -> None:
        super().__init__(window)
        self.work: Callable[[], None] | None = work
        window.installEventFilter(self)
        QTimer.singleShot(FALLBACK_MS, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.work is not None:
            QTimer.singleShot(0, self._run)  # after this frame reaches the screen
        return False

    def _run(self) -> None:
        work, self.work = self.work, None
        if work is None:
            return
        parent = self.parent()
        if isinstance(parent, QWidget):
            parent.removeEventFilter(self)
            if not parent.isVisible():  # closed before it painted: its start-up work is moot
                return
        work()


def after_first_paint(window: QWidget, work: Callable[[], None]) -> None:
    """Call ``work`` once, on the event loop turn after ``window`` first paints."""
    _FirstPaint(window, work)
