"""The embedded fonts and the split of text into runs by font.

DejaVu Sans covers Latin, Greek and Cyrillic; WenQuanYi Zen Hei covers CJK. ReportLab has no
per-glyph fallback, so any text that may hold a name is split into runs, each in a font that
has its glyphs (see ECOSYSTEM.md, ReportLab). Never use the built-in Helvetica: it is not embedded.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from desktop_app import paths

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
CJK = "WenQuanYiZenHei"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf"}


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
def _covered(font: str) -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(font).face
    return frozenset(face.charToGlyph)


def _needs_cjk(char: str) -> bool:
    # Whitespace and punctuation stay in the surrounding run; only missing glyphs switch fonts.
    return ord(char) > 0x2000 and ord(char) not in _covered(REGULAR)


def runs(text: str) -> list[tuple[str, bool]]:
    """Split text into (chunk, is_cjk) runs."""
    register_fonts()
    if not text:
        return []
    # The usual case, one run: ASCII text (every character below U+2000) or text the regular
    # font covers.
    if text.isascii() or not any(_needs_cjk(char) for char in set(text)):
        return [(text, False)]
    out: list[tuple[str, bool]] = []
    for char in text:
        cjk = _needs_cjk(char)
        if out and out[-1][1] == cjk:
            out[-1] = (out[-1][0] + char, cjk)
        else:
            out.append((char, cjk))
    if any(cjk for _, cjk in out):
        _cjk_font()
    return out


def markup(text: str) -> str:
    """Paragraph markup for plain text: XML-escaped, CJK runs wrapped in the CJK font."""
    return "".join(
        f'<font name="{CJK}">{escape(chunk)}</font>' if cjk else escape(chunk)
        for chunk, cjk in runs(text)
    )


def text_width(text: str, font: str, size: float) -> float:
    """Width of text drawn with draw_text."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(sum(stringWidth(chunk, CJK if cjk else font, size) for chunk, cjk in runs(text)))


def draw_text(
    canvas: Canvas, x: float, y: float, text: str, font: str, size: float, align: str = "left"
) -> None:
    """Draw one line on a canvas, switching to the CJK font where needed."""
    if align != "left":
        width = text_width(text, font, size)
        x -= width if align == "right" else width / 2
    for chunk, cjk in runs(text):
        name = CJK if cjk else font
        canvas.setFont(name, size)
        canvas.drawString(x, y, chunk)
        x += canvas.stringWidth(chunk, name, size)
