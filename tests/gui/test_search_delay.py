"""Typing in the patient search: one or two letters wait for the next keystroke, longer queries
and Enter search at once, and the list always ends up showing what is typed (issue 17)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.search_delay import SHORT_QUERY_MS


def names(window: MainWindow) -> list[str]:
    return [window.list.item(i).text().split("\n")[0] for i in range(window.list.count())]


@pytest.fixture
def searched(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    for name in ("Kate Lind", "Karl Ohm", "Mia Kern", "Ola Berg"):
        window.ops.repo.create_patient(name, dt.date(1980, 1, 1), "unknown")
    window.refresh_patients()
    queries: list[str] = []
    real = window.ops.search_patients
    monkeypatch.setattr(window.ops, "search_patients", lambda q: queries.append(q) or real(q))
    return queries


def test_two_letters_typed_quickly_search_once(
    qtbot: QtBot, window: MainWindow, searched: list[str]
) -> None:
    qtbot.keyClicks(window.search, "ka")
    assert searched == []  # still waiting for a third letter
    qtbot.waitUntil(lambda: searched == ["ka"], timeout=SHORT_QUERY_MS * 20)
    assert names(window) == ["Karl Ohm", "Kate Lind"]


def test_a_third_letter_searches_at_once_and_clearing_shows_everyone(
    qtbot: QtBot, window: MainWindow, searched: list[str]
) -> None:
    qtbot.keyClicks(window.search, "kat")
    assert searched == ["kat"]  # the short prefixes never ran: the third letter came first
    assert names(window) == ["Kate Lind"]
    window.search.clear()
    assert searched[-1] == "" and len(names(window)) == 4


def test_enter_right_after_two_letters_opens_the_first_match_of_what_is_typed(
    qtbot: QtBot, window: MainWindow, searched: list[str]
) -> None:
    qtbot.keyClicks(window.search, "ol")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # before the delay ran out
    assert searched == ["ol"]
    assert window.stack.currentWidget() is window.page
    assert window.patient is not None and window.patient.name == "Ola Berg"
