"""The bundled fonts that the window needs beyond the system's: Noto Sans Devanagari.

The window draws text in system fonts, and Qt falls back, glyph by glyph, to any installed font
that has a character. Many Linux installs (and some kiosk images) have no Devanagari font, so a
Hindi, Marathi or Nepali name showed as boxes; registering the PDF's Devanagari font with Qt lets
its fallback find one everywhere. (Latin, Greek, Cyrillic and CJK are in every desktop system's
fonts; the 16 MB CJK font is not loaded at start.)
"""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtGui import QFontDatabase

from desktop_app import paths

log = logging.getLogger(__name__)
FILES = ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf")


@cache
def register_app_fonts() -> tuple[str, ...]:
    """Add the bundled fonts to Qt's font database (once); the families now available."""
    families: list[str] = []
    for name in FILES:
        font_id = QFontDatabase.addApplicationFont(str(paths.FONTS / name))
        if font_id < 0:  # a damaged install: the window still works, with boxes for the script
            log.warning("the bundled font %s could not be loaded", name)
            continue
        families += QFontDatabase.applicationFontFamilies(font_id)
    return tuple(dict.fromkeys(families))
