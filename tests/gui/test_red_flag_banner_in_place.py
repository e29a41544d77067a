"""The banner updates its rows in place: a rule firing or stopping keeps the other rows, the focus
on an Acknowledge button and the acknowledgements shown (issue 17: rebuilding every row was most
of a click's cost)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_app.core.diagnosis import RedFlagAlert
from desktop_app.core.records import RedFlagAck
from desktop_app.gui.red_flag_banner import RedFlagBanner

ACKED_AT = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC)


def _flag(flag_id: str, urgency: str = "urgent") -> RedFlagAlert:
    return RedFlagAlert(flag_id, f"Flag {flag_id}", urgency, f"Action for {flag_id}.", None, True)


def _banner(qtbot: QtBot) -> RedFlagBanner:
    banner = RedFlagBanner()
    qtbot.addWidget(banner)
    banner.resize(900, 300)
    banner.show()
    qtbot.waitExposed(banner)
    return banner


def _texts(banner: RedFlagBanner, flag_id: str) -> str:
    """What a flag's row shows (its hidden labels left out)."""
    row = banner.rows[flag_id]
    return " ".join(label.text() for label in row.findChildren(QLabel) if label.isVisibleTo(row))


def _shown_order(banner: RedFlagBanner) -> list[str]:
    """The raised flags from top to bottom, as the user sees them."""
    return sorted(banner.rows, key=lambda fid: banner.rows[fid].y())


def test_a_flag_that_fires_keeps_the_other_rows_and_the_focus_on_their_button(
    qtbot: QtBot,
) -> None:
    banner = _banner(qtbot)
    banner.show_flags((_flag("e", "emergency"), _flag("u")), {}, editable=True)
    row_e, row_u = banner.rows["e"], banner.rows["u"]
    button = banner.buttons["u"]
    banner.activateWindow()
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)

    banner.show_flags((_flag("e", "emergency"), _flag("u"), _flag("r", "routine")), {}, True)

    assert banner.rows["e"] is row_e and banner.rows["u"] is row_u
    assert banner.buttons["u"] is button and button.hasFocus()
    assert set(banner.buttons) == {"e", "u"}  # the routine notice asks for nothing
    qtbot.waitUntil(lambda: banner.rows["r"].isVisible())
    assert _shown_order(banner) == ["e", "u", "r"]


def test_a_flag_that_stops_and_fires_again_gets_its_row_back_with_its_acknowledgement(
    qtbot: QtBot,
) -> None:
    banner = _banner(qtbot)
    ack = RedFlagAck("u", False, "Seen by the GP yesterday", "Dr Jane Roe", ACKED_AT)
    banner.show_flags((_flag("e", "emergency"), _flag("u")), {"u": ack}, editable=True)
    row_u = banner.rows["u"]
    assert "Not referred: Seen by the GP yesterday" in _texts(banner, "u")
    assert set(banner.buttons) == {"e"}  # acknowledged: the status instead of the button

    banner.show_flags((_flag("u"),), {"u": ack}, editable=True)  # the emergency rule stops
    assert set(banner.rows) == {"u"} and banner.rows["u"] is row_u
    assert not banner.buttons and banner.property("pending") is False
    assert "Seen by the GP yesterday" in _texts(banner, "u")

    banner.show_flags((_flag("u"), _flag("e", "emergency")), {"u": ack}, editable=True)
    assert banner.rows["u"] is row_u and set(banner.buttons) == {"e"}
    assert banner.property("pending") is True
    qtbot.waitUntil(lambda: banner.rows["e"].isVisible())
    assert _shown_order(banner) == ["u", "e"]  # the new order, rows moved rather than rebuilt


def test_acknowledging_and_signing_update_the_row_it_is_on(qtbot: QtBot) -> None:
    banner = _banner(qtbot)
    requested: list[str] = []
    banner.acknowledgeRequested.connect(requested.append)
    banner.show_flags((_flag("u"),), {}, editable=True)
    row = banner.rows["u"]
    banner.buttons["u"].click()
    assert requested == ["u"]

    ack = RedFlagAck("u", True, "", "Dr Jane Roe", ACKED_AT)
    banner.show_flags((_flag("u"),), {"u": ack}, editable=True)
    assert banner.rows["u"] is row and not banner.buttons
    assert "✔ Referred" in _texts(banner, "u") and row.property("pending") is False

    banner.show_flags((_flag("u"),), {}, editable=False)  # a read-only copy: nothing to press
    assert not banner.buttons and "Referred" not in _texts(banner, "u")
    banner.reset()
    assert not banner.rows and not banner.isVisible()


def test_a_flag_that_fires_or_stops_keeps_the_banner_height_and_many_flags_scroll(
    qtbot: QtBot,
) -> None:
    """The window below the banner is not laid out again on every rule change (issue 17), and
    twenty raised flags do not push the visit off the screen."""
    banner = _banner(qtbot)
    two = (_flag("e", "emergency"), _flag("u"))
    banner.show_flags(two, {}, editable=True)
    qtbot.waitUntil(lambda: banner.rows["u"].isVisible())
    height = banner.sizeHint().height()
    assert height >= banner.rows["e"].height() + banner.rows["u"].height()

    banner.show_flags(two[:1], {}, editable=True)  # a rule stops: the room is kept
    assert banner.sizeHint().height() == height and not banner.rows["e"].isHidden()
    banner.show_flags((), {}, editable=True)  # the last one stops: said so, in the same room
    assert banner.isVisible() and banner.sizeHint().height() == height
    assert banner._none.isVisible() and banner._none.text() == "No red flag is raised now."

    many = tuple(_flag(f"f{n}") for n in range(20))
    banner.show_flags(many, {}, editable=True)
    assert not banner._none.isVisible()
    tallest = banner.sizeHint().height()
    three = sum(banner.rows[f"f{n}"].heightForWidth(banner.rows["f0"].width()) for n in range(3))
    assert three <= tallest < three + 4 * banner.rows["f0"].height()  # three rows, then scroll
    assert set(banner.buttons) == {f"f{n}" for n in range(20)}  # every one still reachable
    banner.reset()
    assert not banner.isVisible() and banner.sizeHint().height() == 0
