"""ReportLab paragraphs that parse their markup once per text and break their lines once per width.

ReportLab parses a paragraph's markup with an HTML parser for every Paragraph made, and breaks its
lines again on every `wrap`: a table cell is wrapped when a heading keeps with the table, when
the frame places it, when it is split at a page end and when it is drawn. A visit's tables hold
many equal cells ("Left", "Negative"), and the result of either step depends only on the text,
the style and the width, so both are remembered. The pages are the same to the byte.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from desktop_app.export.shaping import DEVANAGARI, shaped_style

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle


@cache
def _paragraph_class() -> type:
    from reportlab.platypus import Paragraph

    class KeptParagraph(Paragraph):  # type: ignore[misc]
        """A Paragraph whose `wrap` at the width it was last wrapped at is not done again."""

        _kept_width: float | None = None

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
            # split() drops blPara when the paragraph must move on whole: break it again then.
            if availWidth == self._kept_width and "blPara" in self.__dict__:
                return self.width, self.height
            width, height = super().wrap(availWidth, availHeight)
            self._kept_width = availWidth
            return width, height

    return KeptParagraph


@cache
def _parser_class() -> type:
    from reportlab.platypus.paraparser import ParaParser

    class Parser(ParaParser):  # type: ignore[misc]
        """ReportLab's parser, except that <font name="NotoSansDevanagari"> inside <b> stays
        bold (ReportLab's <font> resets bold and italic to those of the font named): a name in
        bold is bold in every script that has a bold face."""

        def start_font(self, attr: dict[str, str]) -> None:
            outer = self._stack[-1]
            super().start_font(attr)
            inner = self._stack[-1]
            if str(inner.fontName).lower() == DEVANAGARI.lower():
                inner.bold, inner.italic = outer.bold, outer.italic

    return Parser


# The parse of each (markup, style) of the export in progress (forget() empties it when the
# export is laid out); fragments are copied per use, since ReportLab may change a paragraph's
# fragments while it lays them out.
_PARSED: dict[tuple[str, int], tuple[str, Any, list[Any]] | None] = {}


def _parse(markup: str, style: ParagraphStyle) -> tuple[str, Any, list[Any]] | None:
    """The cleaned text, style and fragments ReportLab's Paragraph would make; None where it
    would do more than parse (a bullet, or markup it refuses: let it say why)."""
    key = (markup, id(style))
    if key in _PARSED:
        return _PARSED.get(key)
    from reportlab.platypus.paragraph import (
        cleanBlockQuotedText,
        textTransformFrags,
    )

    text = cleanBlockQuotedText(markup)
    parser = _parser_class()()
    parser.caseSensitive = 1
    parsed_style, frags, bullet = parser.parse(text, style)
    found = None
    if frags is not None and not bullet:
        textTransformFrags(frags, parsed_style)
        found = (text, parsed_style, frags)
    _PARSED[key] = found
    return found


def forget() -> None:
    """Drop the remembered texts (called when a document has been laid out)."""
    _PARSED.clear()


def paragraph(markup: str, style: ParagraphStyle) -> Any:
    """A paragraph of ready-made markup in one of styles.styles() (they live as long as the
    process, so their id is a safe key)."""
    kept = _paragraph_class()
    if f'name="{DEVANAGARI}"' in markup:  # fonts.markup's Devanagari run: conjuncts need shaping
        style = shaped_style(style)
    parsed = _parse(markup, style)
    if parsed is None:
        return kept(markup, style)
    text, parsed_style, frags = parsed
    return kept(text, parsed_style, frags=[f.clone() for f in frags])
