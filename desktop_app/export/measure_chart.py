"""One outcome measure across the patient's visits, as drawn in the PDF summary.

As on screen (gui/trend_chart.py): rounded scores above the points, visit dates under the axis,
and a shaded band of the first score ± the MCID (a point outside it moved by at least the MCID).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from desktop_app.core.knowledge import Measure
from desktop_app.core.measures import format_score
from desktop_app.export.fonts import BOLD, REGULAR, draw_text
from desktop_app.export.styles import INK, MUTED, RULE
from desktop_app.export.wording import MONTHS

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

LINE = (0.13, 0.35, 0.78)
BAND = (0.85, 0.94, 0.86)  # pale green, printed under the grid
TITLE_SIZE, TEXT_SIZE = 9.5, 7.5
DOT = 2.4  # radius of a score's dot
DATE_ROOM = 40.0  # points of width per date label
GAP = 3.0  # the least room between two labels, in points


def _short(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year % 100:02d}"


def caption(measure: Measure) -> str:
    better = "higher is better" if measure.higher_is_better else "lower is better"
    return f"{better}; shaded: within the MCID ({measure.mcid.value:g}) of the first score"


def _centred_labels(canvas: Canvas, labels: Sequence[tuple[float, float, str]]) -> None:
    """Scores and dates (digits and month names, all in the regular font) centred on (x, y) in
    the chart's text size and the current fill colour, in one text object."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = canvas.beginText()
    text.setFont(REGULAR, TEXT_SIZE)
    for x, y, label in labels:
        text.setTextOrigin(x - stringWidth(label, REGULAR, TEXT_SIZE) / 2, y)
        text.textOut(label)
    canvas.drawText(text)


def _width(label: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(label, REGULAR, TEXT_SIZE))


def _fitting(labels: Sequence[tuple[float, float, str]], step: int) -> list[Any]:
    """Every `step`-th label and always the last (the visit's own), without one that would
    come within GAP of the last: in a long history the labels of neighbouring points would
    overlap into an unreadable bar."""
    if not labels:
        return []
    last = labels[-1]
    half = _width(last[2]) / 2 + GAP
    kept = [at for at in labels[:-1:step] if last[0] - at[0] >= half + _width(at[2]) / 2]
    return [*kept, last]


def measure_chart_flowable(
    measure: Measure, points: Sequence[tuple[dt.date, float]], width: float, height: float = 150
) -> Any:
    """A flowable: scores (y, the measure's full range) against visits in date order (x)."""
    from reportlab.platypus import Flowable

    left, bottom, top, right = 30.0, 22.0, 34.0, 22.0
    lo, hi = measure.minimum, measure.maximum
    span = (hi - lo) or 1.0

    class MeasureChart(Flowable):  # type: ignore[misc]
        def wrap(self, _aw: float, _ah: float) -> tuple[float, float]:
            return width, height

        def draw(self) -> None:
            canvas: Canvas = self.canv
            plot_w, plot_h = width - left - right, height - bottom - top

            def y_of(value: float) -> float:
                return bottom + (value - lo) / span * plot_h

            def x_of(n: int) -> float:
                if len(points) == 1:
                    return left + plot_w / 2
                return left + n * plot_w / (len(points) - 1)

            canvas.setFillColorRGB(*INK)
            draw_text(canvas, 0, height - TITLE_SIZE, measure.name, BOLD, TITLE_SIZE)
            canvas.setFillColorRGB(*MUTED)
            draw_text(canvas, 0, height - TITLE_SIZE - 11, caption(measure), REGULAR, TEXT_SIZE)
            if points:
                first = points[0][1]
                band_lo = y_of(max(lo, first - measure.mcid.value))
                band_hi = y_of(min(hi, first + measure.mcid.value))
                canvas.setFillColorRGB(*BAND)
                canvas.rect(left, band_lo, plot_w, band_hi - band_lo, stroke=0, fill=1)
            canvas.setStrokeColorRGB(*RULE)
            canvas.setLineWidth(0.4)
            canvas.setFillColorRGB(*MUTED)
            for value in (lo, (lo + hi) / 2, hi):
                y = y_of(value)
                canvas.line(left, y, left + plot_w, y)
                draw_text(
                    canvas,
                    left - 4,
                    y - 2.5,
                    format_score(value),
                    REGULAR,
                    TEXT_SIZE,
                    align="right",
                )
            xy = [(x_of(n), y_of(score)) for n, (_, score) in enumerate(points)]
            if not xy:
                return
            # The line as one path and the dots as one path of round-capped zero-length strokes
            # (ISO 32000-1 8.5.3.2: a degenerate subpath stroked with round caps is a filled
            # circle, here of radius DOT), not an operator run per point and four Bézier arcs
            # per dot: a visit of a 200-visit history draws 400 of them. The line joins with
            # round joins, which lie inside the dots.
            canvas.setStrokeColorRGB(*LINE)
            canvas.setLineCap(1)
            canvas.setLineJoin(1)
            if len(xy) > 1:
                line = canvas.beginPath()
                line.moveTo(*xy[0])
                for x, y in xy[1:]:
                    line.lineTo(x, y)
                canvas.setLineWidth(1.4)
                canvas.drawPath(line, stroke=1, fill=0)
            dots = canvas.beginPath()
            for x, y in xy:
                dots.moveTo(x, y)
                dots.lineTo(x, y)
            canvas.setLineWidth(2 * DOT)
            canvas.drawPath(dots, stroke=1, fill=0)
            scores = [
                (x, y + 5, format_score(score))
                for (x, y), (_, score) in zip(xy, points, strict=True)
            ]
            # Scores where they fit: a label's width and a gap apart, always the last.
            room = max(_width(label) for _, _, label in scores) + GAP
            spacing = plot_w / (len(points) - 1) if len(points) > 1 else plot_w
            canvas.setFillColorRGB(*INK)
            _centred_labels(canvas, _fitting(scores, math.ceil(room / spacing)))
            # Dates where they fit: at most one per DATE_ROOM points of width, always the last.
            step = max(1, int(len(points) * DATE_ROOM / max(plot_w, 1)) + 1)
            dates = [
                (x, bottom - 12, _short(day)) for (x, _), (day, _) in zip(xy, points, strict=True)
            ]
            canvas.setFillColorRGB(*MUTED)
            _centred_labels(canvas, _fitting(dates, step))

    return MeasureChart()
