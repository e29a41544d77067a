"""The embedded fonts and the split of text into runs by font.

DejaVu Sans covers Latin, Greek and Cyrillic; WenQuanYi Zen Hei covers CJK; Noto Sans Devanagari
covers Hindi, Marathi and Nepali (shaped: export/shaping.py). ReportLab has no per-glyph
fallback, so any text that may hold a name is split into runs, each in a font that has its
glyphs (see ECOSYSTEM.md, ReportLab). Never use the built-in Helvetica: it is not embedded.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from desktop_app import paths
from desktop_app.export import shaping

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
CJK = "WenQuanYiZenHei"
DEVANAGARI = shaping.DEVANAGARI
DEVANAGARI_BOLD = shaping.DEVANAGARI_BOLD
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf"}
_DEVANAGARI_FILES = {
    DEVANAGARI: "NotoSansDevanagari-Regular.ttf",
    DEVANAGARI_BOLD: "NotoSansDevanagari-Bold.ttf",
}
# Devanagari, Devanagari Extended and Vedic Extensions.
_DEVANAGARI_BLOCKS = ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF))
_WORDS = re.compile(r"(\s+)")


@cache
def register_fonts() -> None:
    """Register DejaVu Sans (as a family, so <b> and <i> work in paragraphs). Idempotent."""
    from reportlab import rl_config

    # Must be set before reportlab.graphics is imported anywhere, or its strings use Helvetica.
    rl_config.defaultGraphicsFontName = REGULAR
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(paths.FONTS / filename)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD)


@cache
def _cjk_font() -> None:
    """Load the CJK font only when a text needs it (16 MB file, ~80 ms)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(CJK, str(paths.FONTS / "wqy-zenhei.ttc"), subfontIndex=0))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(CJK, bold, italic, CJK)  # no bold face: bold CJK stays regular


@cache
def _devanagari_font() -> None:
    """Load Noto Sans Devanagari (regular and bold; no italic face: italic stays upright)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    for name, filename in _DEVANAGARI_FILES.items():
        pdfmetrics.registerFont(shaping.font_class()(name, str(paths.FONTS / filename)))
    for italic in (0, 1):
        addMapping(DEVANAGARI, 0, italic, DEVANAGARI)
        addMapping(DEVANAGARI, 1, italic, DEVANAGARI_BOLD)
    shaping.install()


@cache
def _covered(font: str) -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    if font in _DEVANAGARI_FILES:
        _devanagari_font()
    face = pdfmetrics.getFont(font).face
    return frozenset(face.charToGlyph)


def _is_devanagari(char: str) -> bool:
    return any(low <= ord(char) <= high for low, high in _DEVANAGARI_BLOCKS)


def _needs_cjk(char: str) -> bool:
    # Whitespace and punctuation stay in the surrounding run; only missing glyphs switch fonts.
    return ord(char) > 0x2000 and ord(char) not in _covered(REGULAR)


def _needs_switch(char: str) -> bool:
    return _is_devanagari(char) or _needs_cjk(char)


def _font_of(char: str, in_devanagari_word: bool, before: str) -> str:
    """'' (the run's own font), CJK or DEVANAGARI. A space after Devanagari stays in its run (a
    name is one run); any other space is in the run's own font, as before Devanagari was added.
    In a word with Devanagari letters, every character Noto Sans Devanagari has (digits,
    punctuation, joiners) goes with them, so that the word is shaped as one run."""
    if char.isspace():
        return DEVANAGARI if before == DEVANAGARI else ""
    if _is_devanagari(char) or (in_devanagari_word and ord(char) in _covered(DEVANAGARI)):
        return DEVANAGARI
    return CJK if _needs_cjk(char) else ""


def runs(text: str) -> list[tuple[str, str]]:
    """Split text into (chunk, font) runs; font is '' for the caller's own font, else CJK or
    DEVANAGARI."""
    register_fonts()
    if not text:
        return []
    # The usual case, one run: ASCII text (every character below U+2000) or text the regular
    # font covers.
    if text.isascii() or not any(_needs_switch(char) for char in set(text)):
        return [(text, "")]
    out: list[tuple[str, str]] = []
    for word in _WORDS.split(text):
        devanagari = any(_is_devanagari(char) for char in word)
        for char in word:
            font = _font_of(char, devanagari, out[-1][1] if out else "")
            if out and out[-1][1] == font:
                out[-1] = (out[-1][0] + char, font)
            else:
                out.append((char, font))
    fonts = {font for _, font in out}
    if CJK in fonts:
        _cjk_font()
    if DEVANAGARI in fonts:
        _devanagari_font()
    return out


def markup(text: str) -> str:
    """Paragraph markup for plain text: XML-escaped, CJK and Devanagari runs in their fonts."""
    return "".join(
        f'<font name="{font}">{escape(chunk)}</font>' if font else escape(chunk)
        for chunk, font in runs(text)
    )


def _run_font(font: str, run: str) -> str:
    if run == DEVANAGARI:
        return DEVANAGARI_BOLD if font == BOLD else DEVANAGARI
    return run or font


def text_width(text: str, font: str, size: float) -> float:
    """Width of text drawn with draw_text."""
    return float(
        sum(shaping.line(chunk, _run_font(font, run), size)[1] for chunk, run in runs(text))
    )


def draw_text(
    canvas: Canvas, x: float, y: float, text: str, font: str, size: float, align: str = "left"
) -> None:
    """Draw one line on a canvas, switching to the CJK or Devanagari font where needed."""
    if align != "left":
        width = text_width(text, font, size)
        x -= width if align == "right" else width / 2
    for chunk, run in runs(text):
        name = _run_font(font, run)
        drawn, width = shaping.line(chunk, name, size)
        canvas.setFont(name, size)
        canvas.drawString(x, y, drawn)
        x += width
