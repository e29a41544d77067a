"""A small line chart of one outcome measure across the patient's visits."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from desktop_app.core.knowledge import Measure
from desktop_app.export.fonts import BOLD, REGULAR, draw_text
from desktop_app.export.styles import INK, MUTED, RULE
from desktop_app.export.wording import MONTHS

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

LINE = (0.13, 0.35, 0.78)


def _short(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year % 100:02d}"


def measure_chart_flowable(
    measure: Measure, points: Sequence[tuple[dt.date, float]], width: float, height: float = 96
) -> Any:
    """A flowable: scores (y, the measure's full range) against visits in date order (x)."""
    from reportlab.platypus import Flowable

    left, bottom, top, right = 26.0, 16.0, 16.0, 10.0
    lo, hi = measure.minimum, measure.maximum
    span = (hi - lo) or 1.0
    caption = f"{measure.name} ({'higher' if measure.higher_is_better else 'lower'} is better)"

    class MeasureChart(Flowable):  # type: ignore[misc]
        def wrap(self, _aw: float, _ah: float) -> tuple[float, float]:
            return width, height

        def draw(self) -> None:
            canvas: Canvas = self.canv
            plot_w, plot_h = width - left - right, height - bottom - top
            canvas.setFillColorRGB(*INK)
            draw_text(canvas, 0, height - 9, caption, BOLD, 7.5)
            canvas.setStrokeColorRGB(*RULE)
            canvas.setLineWidth(0.4)
            canvas.setFillColorRGB(*MUTED)
            for value in (lo, (lo + hi) / 2, hi):
                y = bottom + (value - lo) / span * plot_h
                canvas.line(left, y, left + plot_w, y)
                draw_text(canvas, left - 4, y - 2.5, f"{value:g}", REGULAR, 6.5, align="right")

            inset = 14.0  # keeps the first and last value labels clear of the axis labels

            def x_of(n: int) -> float:
                if len(points) == 1:
                    return left + plot_w / 2
                return left + inset + n * (plot_w - 2 * inset) / (len(points) - 1)

            xy = [
                (x_of(n), bottom + (score - lo) / span * plot_h)
                for n, (_, score) in enumerate(points)
            ]
            canvas.setStrokeColorRGB(*LINE)
            canvas.setLineWidth(1.2)
            for (x1, y1), (x2, y2) in itertools.pairwise(xy):
                canvas.line(x1, y1, x2, y2)
            for (x, y), (day, score) in zip(xy, points, strict=True):
                canvas.setFillColorRGB(*LINE)
                canvas.circle(x, y, 2, stroke=0, fill=1)
                canvas.setFillColorRGB(*INK)
                draw_text(canvas, x, y + 4, f"{score:g}", REGULAR, 6.5, align="centre")
                canvas.setFillColorRGB(*MUTED)
                draw_text(canvas, x, bottom - 10, _short(day), REGULAR, 6, align="centre")

    return MeasureChart()
