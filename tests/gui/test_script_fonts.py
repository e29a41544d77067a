"""Names in any script are drawn with real glyphs in the window, never as boxes (tofu).

Qt falls back glyph by glyph to any font it knows that has a character; a machine with no
Devanagari font (this one, many Linux installs) drew Hindi names as boxes until the app
registered its bundled Noto Sans Devanagari (gui/app_fonts.py).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate
from PySide6.QtGui import QFont, QTextLayout

from desktop_app.gui.app_fonts import register_app_fonts
from desktop_app.gui.main_window import MainWindow
from tests.gui.flows import create_patient

NAMES = ["अनीता शर्मा", "क्षितिज श्रेष्ठ", "王秀英", "Zoë Łukasiewicz"]


def missing_glyphs(text: str, font: QFont) -> list[str]:
    """The characters of text that no font Qt lays it out with has (drawn as boxes)."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine().setLineWidth(1e6)
    layout.endLayout()
    runs = layout.glyphRuns()
    assert runs, "nothing laid out"
    fonts = [run.rawFont() for run in runs]
    missing = [
        c for c in text if not c.isspace() and not any(f.supportsCharacter(ord(c)) for f in fonts)
    ]
    if any(0 in run.glyphIndexes() for run in runs):  # glyph 0 is the font's box
        missing.append("(a box)")
    return missing


def test_the_bundled_devanagari_font_is_known_to_qt() -> None:
    assert "Noto Sans Devanagari" in register_app_fonts()


@pytest.mark.parametrize("name", NAMES)
def test_patient_names_are_drawn_with_real_glyphs(window: MainWindow, name: str) -> None:
    create_patient(window, name, QDate(1974, 3, 14))
    item = window.list.item(0)
    name_line = item.text().split("\n")[0]
    assert name_line == name
    assert missing_glyphs(name_line, window.list.font()) == []
    assert window.page.name.text() == name
    assert missing_glyphs(name, window.page.name.font()) == []
