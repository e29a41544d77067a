"""The acknowledge dialog shows the whole of a red flag's action, however it wraps."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_app.core.diagnosis import RedFlagAlert
from desktop_app.gui.red_flag_banner import AcknowledgeDialog

LONG_ACTION = " ".join(["Emergency referral now: same-day emergency MRI."] * 30) + " Last words."


def test_a_long_action_is_shown_whole_not_cut_at_the_dialog_edge(qtbot: QtBot) -> None:
    flag = RedFlagAlert("ces", "Suspected cauda equina", "emergency", LONG_ACTION, None, False)
    dialog = AcknowledgeDialog(flag)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    [text] = [label for label in dialog.findChildren(QLabel) if "Last words." in label.text()]
    assert text.height() >= text.heightForWidth(text.width())  # every wrapped line has room
    assert text.geometry().bottom() < dialog.referred.geometry().top()  # nothing drawn over it
