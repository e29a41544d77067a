"""Page furniture and the build of a story into PDF bytes.

Every page carries the patient's name and date of birth in its header and "Page X of Y" in its
footer; pages built on the "draft" template also carry the DRAFT watermark under the content.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_app.export import paragraphs, shaping
from desktop_app.export.fonts import BOLD, REGULAR, draw_text, register_fonts
from desktop_app.export.styles import MUTED, RULE, WATERMARK, page_size
from desktop_app.export.wording import format_date

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

WATERMARK_TEXT = "DRAFT — not signed"
DRAFT, FINAL = "draft", "final"
# Called with each page number as the page is laid out (gui/export_worker.py: progress, cancel).
PAGE_HOOK: ContextVar[Callable[[int], None] | None] = ContextVar("page_hook", default=None)
MARGIN = 42.0  # points (~15 mm)
HEADER = 30.0
FOOTER = 26.0


@dataclass(frozen=True)
class PageInfo:
    title: str  # the document's kind, shown in every header: "Clinical summary"
    meta_title: str  # the document metadata title
    subject: str
    author: str
    patient_line: str  # "Name · born 3 Mar 1980"
    footer_left: str
    page_size: str


def _header(canvas: Canvas, info: PageInfo, width: float, height: float) -> None:
    top = height - MARGIN + 6
    canvas.setFillColorRGB(0, 0, 0)
    draw_text(canvas, MARGIN, top, info.patient_line, BOLD, 9)
    if canvas.getPageNumber() > 1:  # page 1 has the title in large type just below
        canvas.setFillColorRGB(*MUTED)
        draw_text(canvas, width - MARGIN, top, info.title, REGULAR, 8.5, align="right")
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, top - 6, width - MARGIN, top - 6)


def _watermark(canvas: Canvas, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setFillColorRGB(*WATERMARK)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(40)
    draw_text(canvas, 0, -20, WATERMARK_TEXT, BOLD, 54, align="centre")
    canvas.restoreState()


def _footer(canvas: Canvas, info: PageInfo, page: int, total: int) -> None:
    width = canvas._pagesize[0]
    y = MARGIN - 18
    canvas.setFillColorRGB(*MUTED)
    draw_text(canvas, MARGIN, y, info.footer_left, REGULAR, 7.5)
    draw_text(canvas, width - MARGIN, y, f"Page {page} of {total}", REGULAR, 7.5, align="right")


def render(info: PageInfo, story: list[Any], first_template: str) -> bytes:
    """Lay the story out on pages and return the PDF bytes (before PDF/A conversion)."""
    register_fonts()
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    width, height = page_size(info.page_size)

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        """Keeps every page until the end so the footer can say 'of Y'."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def beginText(self, x: float = 0, y: float = 0, direction: str | None = None) -> Any:
            return shaping.text_object(self, x, y, direction)  # Devanagari reads back as typed

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for n, state in enumerate(self._saved, start=1):
                self.__dict__.update(state)
                _footer(self, info, n, len(self._saved))
                super().showPage()
            super().save()

    def on_page(draft: bool) -> Any:
        def draw(canvas: Canvas, _doc: Any) -> None:
            hook = PAGE_HOOK.get()
            if hook is not None:  # an export worker's progress (it may raise to cancel)
                hook(canvas.getPageNumber())
            canvas.saveState()
            if draft:
                _watermark(canvas, width, height)
            _header(canvas, info, width, height)
            canvas.restoreState()

        return draw

    frame = Frame(
        MARGIN,
        MARGIN + FOOTER - 12,
        width - 2 * MARGIN,
        height - 2 * MARGIN - HEADER - FOOTER + 12,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    templates = {
        DRAFT: PageTemplate(DRAFT, [frame], onPage=on_page(True)),
        FINAL: PageTemplate(FINAL, [frame], onPage=on_page(False)),
    }
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(width, height),
        pageTemplates=[
            templates[first_template],
            *(t for k, t in templates.items() if k != first_template),
        ],
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=info.meta_title,
        author=info.author,
        subject=info.subject,
        creator="GlutealAssess",
        initialFontName=REGULAR,
        initialFontSize=9,
        lang="en",
        # Streams are written uncompressed: qpdf (pdfa.to_pdfa) decodes every Flate stream and
        # compresses it again on writing the PDF/A file, so ReportLab's compression was done twice.
        pageCompression=0,
    )
    try:
        doc.build(story, canvasmaker=NumberedCanvas)
    finally:
        paragraphs.forget()
        shaping.forget()
    return buffer.getvalue()


def printed_on(today: dt.date | None = None) -> str:
    return f"Printed {format_date(today or dt.date.today())}"
