"""A dark system palette, a light/dark switch and the WCAG contrast ratio, for the GUI tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from desktop_app.gui.style import apply_style, is_dark

DARK_ROLES = (
    (QPalette.ColorRole.Window, "#202124"),
    (QPalette.ColorRole.WindowText, "#e8eaed"),
    (QPalette.ColorRole.Base, "#2a2b2e"),
    (QPalette.ColorRole.Text, "#e8eaed"),
    (QPalette.ColorRole.Button, "#303134"),
    (QPalette.ColorRole.ButtonText, "#e8eaed"),
)


def darkened(palette: QPalette) -> QPalette:
    dark = QPalette(palette)
    for role, value in DARK_ROLES:
        dark.setColor(role, QColor(value))
    return dark


@pytest.fixture
def light_then_dark(qapp: QApplication) -> Iterator[Callable[[bool], None]]:
    """Switch the system palette as a light/dark change does (apply_style restyles on it)."""
    before = qapp.palette()

    def switch(dark: bool) -> None:
        qapp.setPalette(darkened(before) if dark else QPalette(before))
        apply_style(qapp)
        assert is_dark(qapp.palette()) == dark

    yield switch
    qapp.setPalette(before)
    apply_style(qapp)


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
