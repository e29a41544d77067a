"""Reading exported PDFs back: page text (pypdf) and font dictionaries (pikepdf)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf
from pypdf import PdfReader

from desktop_app.export.layout import WATERMARK_TEXT


def page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def text(pdf: Path) -> str:
    """All pages' text with whitespace collapsed, so wrapped lines still match."""
    return " ".join("\n".join(page_texts(pdf)).split())


def body_lines(page: str) -> list[str]:
    """A page's lines without the watermark, the two header lines and the two footer lines."""
    lines = [line.strip() for line in page.splitlines() if line.strip() != WATERMARK_TEXT]
    return [line for line in lines[2:-2] if line]


def fonts(pdf: Path) -> list[dict[str, Any]]:
    """Every font dictionary used by any page: name, subtype and whether its program is embedded."""
    found = []
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            for _, font in page.obj.Resources.get("/Font", {}).items():
                descriptor = font.get("/FontDescriptor")
                if descriptor is None and "/DescendantFonts" in font:
                    descriptor = font.DescendantFonts[0].get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                found.append(
                    {"name": str(font.BaseFont), "subtype": str(font.Subtype), "embedded": embedded}
                )
    return found


def text_boxes(pdf: Path, page_index: int) -> list[tuple[float, float, float, float]]:
    """(left, baseline, right, font size) of each string a page shows with Tj, from the content
    stream and the fonts' glyph widths (simple fonts, as ReportLab embeds its subsets)."""
    boxes = []
    with pikepdf.open(pdf) as doc:
        page = doc.pages[page_index]
        fonts_by_name = page.obj.Resources.Font
        origin = [(0.0, 0.0)]  # the translation of each saved graphics state (no scaling here)
        font: Any = None
        size = x = y = 0.0
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "q":
                origin.append(origin[-1])
            elif op == "Q":
                origin.pop()
            elif op == "cm":
                dx, dy = origin[-1]
                origin[-1] = (dx + float(operands[4]), dy + float(operands[5]))
            elif op == "Tf":
                font, size = fonts_by_name[str(operands[0])], float(operands[1])
            elif op == "Tm":
                x, y = float(operands[4]), float(operands[5])
            elif op == "Tj":
                first, widths = int(font.FirstChar), [float(v) for v in font.Widths]
                advance = sum(widths[code - first] for code in bytes(operands[0])) * size / 1000
                dx, dy = origin[-1]
                boxes.append((dx + x, dy + y, dx + x + advance, size))
    return boxes
