"""Paragraph and table styles shared by every document. Every style names an embedded font."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from desktop_app.export.fonts import BOLD, REGULAR, register_fonts

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle

INK = (0.10, 0.10, 0.12)
MUTED = (0.38, 0.38, 0.42)
RULE = (0.75, 0.75, 0.78)
SHADE = (0.93, 0.94, 0.96)
ALERT = (0.70, 0.08, 0.08)
CAUTION = (0.60, 0.33, 0.00)  # amber, dark enough to read on white: an urgent flag
WATERMARK = (0.86, 0.86, 0.86)  # opaque light grey, drawn under the content (PDF/A: no alpha)


def page_size(name: str) -> tuple[float, float]:
    """The settings' page size; anything but 'Letter' is A4."""
    from reportlab.lib.pagesizes import A4, LETTER

    return (
        (float(LETTER[0]), float(LETTER[1]))
        if name.lower() == "letter"
        else (float(A4[0]), float(A4[1]))
    )


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    title: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    alert: ParagraphStyle
    caution: ParagraphStyle


@cache
def styles() -> Styles:
    """The paragraph styles (built once; ReportLab styles are plain objects)."""
    register_fonts()
    from reportlab.lib.colors import Color
    from reportlab.lib.styles import ParagraphStyle

    ink, muted, alert = Color(*INK), Color(*MUTED), Color(*ALERT)
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5, textColor=ink)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        muted=ParagraphStyle("muted", parent=body, fontSize=8, leading=10, textColor=muted),
        title=ParagraphStyle(
            "title",
            parent=body,
            fontName=BOLD,
            fontSize=15,
            leading=19,
            spaceAfter=4,
            keepWithNext=1,
        ),
        h2=ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD,
            fontSize=11.5,
            leading=14,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,  # never a heading alone at the foot of a page
        ),
        h3=ParagraphStyle(
            "h3",
            parent=body,
            fontName=BOLD,
            fontSize=9.5,
            leading=12,
            spaceBefore=5,
            spaceAfter=1,
            keepWithNext=1,
        ),
        cell=ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        cell_bold=ParagraphStyle(
            "cell_bold", parent=body, fontName=BOLD, fontSize=8.5, leading=10.5
        ),
        alert=ParagraphStyle("alert", parent=body, fontName=BOLD, textColor=alert),
        caution=ParagraphStyle("caution", parent=body, fontName=BOLD, textColor=Color(*CAUTION)),
    )


FLAG_STYLES = {"emergency": "alert", "urgent": "caution", "routine": "body"}


def flag_style(urgency: str) -> str:
    """The paragraph style of a fired rule: red for an emergency, amber for urgent, plain text
    for a routine review (the three levels look different on paper as on screen)."""
    return FLAG_STYLES.get(urgency, "caution")


def colour(rgb: tuple[float, float, float]) -> Any:
    """A ReportLab colour from an RGB triple."""
    from reportlab.lib.colors import Color

    return Color(*rgb)


def table_style(header: bool = True) -> list[tuple[Any, ...]]:
    """Commands for a plain grid table; the FONT command keeps Helvetica out of empty cells."""
    from reportlab.lib.colors import Color

    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, Color(*RULE)),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands += [
            ("FONT", (0, 0), (-1, 0), BOLD, 8.5),
            ("BACKGROUND", (0, 0), (-1, 0), Color(*SHADE)),
        ]
    return commands
