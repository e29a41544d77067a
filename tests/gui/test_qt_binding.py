"""The Qt binding must survive a long session of clicks (PySide6 6.12.0 did not on Python 3.11)."""

import sys

from PySide6.QtWidgets import QPushButton


def test_slot_calls_do_not_leak_references_to_none(qtbot):
    button = QPushButton("Yes")
    qtbot.addWidget(button)
    button.clicked.connect(lambda: None)
    before = sys.getrefcount(None)
    for _ in range(2000):
        button.click()
    # With the broken binding each click dropped one reference; a few thousand aborted the app.
    assert abs(sys.getrefcount(None) - before) < 100
