"""Work after the first paint runs once for a window that is shown, and never for one closed
before it painted (its knowledge-base check or reopened visit would pop up for a gone window)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.gui import first_paint


def test_the_work_runs_once_after_the_window_paints(qtbot: QtBot) -> None:
    window, ran = QWidget(), []
    qtbot.addWidget(window)
    first_paint.after_first_paint(window, lambda: ran.append(1))
    window.show()
    qtbot.waitUntil(lambda: ran == [1])
    window.update()
    qtbot.wait(50)
    assert ran == [1]


def test_a_window_closed_before_its_work_ran_never_gets_it(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(first_paint, "FALLBACK_MS", 100)
    window, ran = QWidget(), []
    qtbot.addWidget(window)
    window.show()
    first_paint.after_first_paint(window, lambda: ran.append(1))
    window.close()  # before the event loop delivered the paint
    qtbot.wait(400)  # the paint and the fallback have both come and gone
    assert ran == []
