"""Remembered parses and line breaks (export/paragraphs.py) change no byte of a page."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from desktop_app.export.fonts import register_fonts
from desktop_app.export.paragraphs import forget, paragraph
from desktop_app.export.styles import styles, table_style


def _document(make: Callable[[str, Any], Any]) -> bytes:
    """Paragraphs split across pages and a table of repeated cells over several pages."""
    from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table

    register_fonts()
    s = styles()
    # One line of room left at the foot of page 1: the paragraph moves on whole (an orphan).
    story: list[Any] = [Spacer(1, 685.89 - 15), make("Moved on whole. " * 40, s.body)]
    for n in range(40):
        story.append(make(f"Heading {n}", s.h2))  # keepWithNext: wrapped with what follows
        story.append(make(f"<b>Bold</b> and <i>italic</i> text {n}. " * (n % 7 + 1), s.body))
    rows = [[make(c, s.cell) for c in ("Test", "Side", "Result")]]
    rows += [
        [
            make(f"Test number {n} " * (n % 3 + 1), s.cell),
            make("Left", s.cell),
            make("Negative", s.cell),
        ]
        for n in range(150)
    ]
    story += [
        make("Examination", s.h2),
        Table(rows, colWidths=[300, 60, 100], style=table_style(), repeatRows=1),
    ]
    story.append(KeepTogether([make("Kept " * 200, s.small), make("together", s.small)]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, invariant=1).build(story)
    return buffer.getvalue()


def test_the_document_is_the_same_to_the_byte() -> None:
    from reportlab.platypus import Paragraph

    plain = _document(Paragraph)
    kept = _document(paragraph)
    forget()
    assert plain.count(b"/Type /Page\n") > 5  # several pages: splits and repeated headers ran
    assert kept == plain


def test_markup_reportlab_refuses_is_refused_in_its_words() -> None:
    from reportlab.platypus import Paragraph

    with pytest.raises(ValueError) as plain:
        Paragraph("<b>unclosed", styles().body)
    with pytest.raises(ValueError) as kept:
        paragraph("<b>unclosed", styles().body)
    assert str(kept.value) == str(plain.value)
