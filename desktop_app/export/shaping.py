"""Devanagari in PDFs: words shaped as the script is written, and text that reads back as typed.

Devanagari needs shaping: a conjunct (क्ष, श्र), a reph (र्मा) or the vowel sign ि drawn before
its consonant are glyphs the font picks from a sequence of characters. ReportLab 5.1 shapes
TrueType text with HarfBuzz (uharfbuzz) in paragraphs whose style has shaping=1, with two faults
this module works around:

- It shapes a word with the font of its first fragment and maps the glyphs back with each
  fragment's own font, so a word mixing fonts ("<b>Name</b>:", "अनीता-Smith") gets wrong glyphs;
  and it applies ligatures to Latin words ("office" reads back as "oﬃce"). Here only the runs of
  a word that are in one Devanagari font are shaped, each on its own; the rest is left unshaped.
- A glyph with no character of its own (a conjunct) is given a private code whose width in the
  PDF is its advance in that one word, not the font program's, which PDF/A forbids
  (ISO 19005-2, 6.2.11.5): its width is taken from the font's metrics here (font_class).
- A shaped glyph maps back to no character, or to the wrong ones, in the PDF's text, so copying
  or searching the name fails (pdftotext: "शमा" for "शर्मा"). Each shaped run is wrapped in a
  marked-content span with /ActualText (ISO 32000-1, 14.9.4) that holds the text as typed.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas

log = logging.getLogger(__name__)
DEVANAGARI = "NotoSansDevanagari"
DEVANAGARI_BOLD = "NotoSansDevanagari-Bold"
SHAPED_FONTS = frozenset({DEVANAGARI, DEVANAGARI_BOLD})

# The typed text of each shaped glyph string, by font: what /ActualText says the glyphs read as.
# Shaping a text always gives the same glyphs, and equal glyphs look the same, so one entry per
# glyph string is enough; emptied by forget() when a document is built.
_TYPED: dict[tuple[str, str], str] = {}
_SHAPED_STYLES: dict[int, tuple[ParagraphStyle, ParagraphStyle]] = {}


def _shape_word(word: list[Any]) -> list[Any]:
    """ReportLab's shapeFragWord on each run of a word in one Devanagari font, the rest of the
    word (another font, an inline image) left as it is."""
    from itertools import groupby

    parts = word[1:]
    if any(hasattr(frag, "cbDefn") for frag, _ in parts) or not any(
        frag.fontName in SHAPED_FONTS for frag, _ in parts
    ):
        return word  # no Devanagari (or an inline object, which the app never writes)
    out: list[Any] = []
    width = 0.0
    for font, group in groupby(parts, key=lambda part: _shaped_font(part[0])):
        run = list(group)
        shaped = _shape_run(font, run) if font else None
        if shaped is None:
            out += run
            width += sum(_width(frag, text) for frag, text in run)
        else:
            out += shaped[1:]
            width += shaped[0]
    if out == parts:
        return word
    from reportlab.pdfbase.ttfonts import makeShapedFragWord

    # The word's class says whether a space follows it: keep it (as shapeFragWord does).
    shaped_word: list[Any] = makeShapedFragWord(word)([width, *out])
    return shaped_word


def _shaped_font(frag: Any) -> str:
    """The Devanagari font a fragment is shaped in, or '' (another font)."""
    font: str = frag.fontName
    return font if font in SHAPED_FONTS else ""


def _width(frag: Any, text: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, frag.fontName, frag.fontSize))


def _shape_run(font: str, run: list[Any]) -> list[Any] | None:
    """The shaped fragments of a run in one Devanagari font (None if shaping changes nothing)."""
    from reportlab.pdfbase.ttfonts import shapeFragWord

    word = [sum(_width(frag, text) for frag, text in run), *run]
    shaped: list[Any] = shapeFragWord(word)
    if shaped is word:
        return None
    _TYPED[(font, "".join(str(text) for _, text in shaped[1:]))] = "".join(t for _, t in run)
    return shaped


@cache
def font_class() -> type:
    """ReportLab's TTFont, except that a glyph that shaping gives a private code gets the width
    the font program has (hmtx), as PDF/A requires, instead of its advance in the word shaped."""
    from reportlab.pdfbase.ttfonts import TTFont

    class ShapedTTFont(TTFont):  # type: ignore[misc]
        def hbFont(self, fontSize: float = 10) -> Any:
            font = super().hbFont(fontSize)
            add_private = getattr(self, "hbAddPrivate")  # noqa: B009 (set by hbFont, untyped): (glyph name, glyph id, advance)
            face = self.face

            def with_font_width(name: str, gid: int, _advance: float) -> int:
                code: int = add_private(name, gid, face._pdfScale(face.hmetrics[gid][0]))
                return code

            self.hbAddPrivate = with_font_width
            return font

    return ShapedTTFont


@cache
def available() -> bool:
    """Whether ReportLab can shape (uharfbuzz, a dependency through reportlab[shaping], is
    installed). Without it Devanagari is drawn unshaped: every letter there, but conjuncts and
    vowel signs as separate glyphs."""
    from reportlab.pdfbase import ttfonts

    if ttfonts.uharfbuzz is None:
        log.warning("uharfbuzz is not installed: Devanagari in PDFs is drawn unshaped")
    return ttfonts.uharfbuzz is not None


@cache
def install() -> None:
    """Make paragraphs shape through _shape_word (called when the Devanagari font is loaded)."""
    from reportlab.platypus import paragraph

    available()  # (says so in the log if shaping cannot be done)
    paragraph.shapeFragWord = _shape_word


def shaped_style(style: ParagraphStyle) -> ParagraphStyle:
    """The style with shaping on, for a paragraph that holds Devanagari (others stay unshaped,
    the same to the byte as before)."""
    kept = _SHAPED_STYLES.get(id(style))
    if kept is None:
        from reportlab.lib.styles import ParagraphStyle

        kept = (style, ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1))
        _SHAPED_STYLES[id(style)] = kept
    return kept[1]


def line(text: str, font: str, size: float) -> tuple[str, float]:
    """Text to draw on a canvas in font, shaped if the font is a Devanagari one, and its width."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if font not in SHAPED_FONTS or not available():
        return text, float(stringWidth(text, font, size))
    from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr

    shaped = shapeStr(text, font, size)
    if not isinstance(shaped, ShapedStr):
        return text, float(stringWidth(text, font, size))
    _TYPED[(font, str(shaped))] = text
    return shaped, sum(data.x_advance for data in shaped.__shapeData__) * size / 1000


def forget() -> None:
    """Drop the typed texts (called when a document has been built: no name is kept)."""
    _TYPED.clear()


def _typed(font: str, glyphs: str) -> str:
    """The typed text of a drawn glyph string: one shaped run, or shaped words between spaces."""
    whole = _TYPED.get((font, glyphs))
    if whole is not None:
        return whole
    return " ".join(_TYPED.get((font, part), part) for part in glyphs.split(" "))


def _actual_text(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


@cache
def _text_object_class() -> type:
    from reportlab.pdfgen.textobject import PDFTextObject

    class TypedTextObject(PDFTextObject):  # type: ignore[misc]
        """A text object that says what its shaped Devanagari glyphs read as."""

        def _formatText(self, text: str) -> str:
            code: str = super()._formatText(text)
            if self._fontname in SHAPED_FONTS:
                typed = _typed(self._fontname, str(text))
                if typed != str(text):
                    return f"/Span <</ActualText {_actual_text(typed)}>> BDC {code} EMC"
            return code

    return TypedTextObject


def text_object(canvas: Canvas, x: float, y: float, direction: str | None) -> Any:
    """The text object for canvas.beginText of the documents' canvas."""
    return _text_object_class()(canvas, x, y, direction=direction)
