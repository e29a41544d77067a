"""The body chart on paper: core.body_chart's model (the window's drawing) in vector graphics.

The shapes come from resources/body_chart/*.svg through the model, with its palette and fill
rule, so a symptom has the colour on paper that it has on screen. Drawn opaque (PDF/A).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from desktop_app import paths
from desktop_app.core import body_chart as chart
from desktop_app.core.knowledge import BodyChart
from desktop_app.core.observations import Mark
from desktop_app.export.fonts import REGULAR, draw_text
from desktop_app.export.styles import INK

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

LEGEND_H = 16.0
GAP = 12.0  # between the views


def symptom_colours(body: BodyChart) -> dict[str, str]:
    """The model's colours (the legend on paper; the same as on screen)."""
    return chart.symptom_colours(body)


def _fill(canvas: Canvas, colour: str) -> bool:
    if colour in ("", "none"):
        return False
    canvas.setFillColorRGB(*chart.hex_rgb(colour))
    return True


def _stroke(canvas: Canvas, colour: str, width: float) -> bool:
    if colour in ("", "none") or width <= 0:
        return False
    canvas.setStrokeColorRGB(*chart.hex_rgb(colour))
    canvas.setLineWidth(width)
    return True


def _draw_shape(canvas: Canvas, shape: chart.Shape, fill: str) -> None:
    filled = _fill(canvas, fill)
    stroked = _stroke(canvas, shape.stroke, shape.stroke_width)
    if shape.kind == "ellipse":
        cx, cy, rx, ry = shape.ellipse
        canvas.ellipse(cx - rx, cy - ry, cx + rx, cy + ry, stroke=int(stroked), fill=int(filled))
        return
    path = canvas.beginPath()
    for command, p in shape.segments:
        if command == "M":
            path.moveTo(*p)
        elif command == "L":
            path.lineTo(*p)
        elif command == "C":
            path.curveTo(*p)
        else:
            path.close()
    canvas.drawPath(path, stroke=int(stroked), fill=int(filled))


def draw_view(
    canvas: Canvas,
    view: chart.View,
    fills: dict[str, str],
    dots: dict[str, tuple[str, ...]],
    x0: float,
    y0: float,
    scale: float,
) -> None:
    """One view with its bottom-left corner at (x0, y0): SVG coordinates, y flipped."""
    canvas.saveState()
    canvas.translate(x0, y0 + view.height * scale)
    canvas.scale(scale, -scale)
    for shape in view.shapes:
        _draw_shape(canvas, shape, fills.get(shape.id, shape.fill))
    for shape in view.shapes:
        for (x, y), colour in chart.dot_positions(shape, dots.get(shape.id, ())):
            _fill(canvas, colour)
            _stroke(canvas, chart.DOT_RING, 1.5)
            canvas.circle(x, y, chart.DOT_RADIUS, stroke=1, fill=1)
    canvas.restoreState()
    for label in view.labels:  # unflipped, so the text reads the right way up
        _fill(canvas, label.fill)
        align = "centre" if label.anchor == "middle" else "left"
        x, y = x0 + label.x * scale, y0 + (view.height - label.y) * scale
        draw_text(canvas, x, y, label.text, REGULAR, label.size * scale, align=align)


def body_chart_flowable(body: BodyChart, marks: Sequence[Mark], width: float) -> Any:
    """A flowable drawing every view of the body chart and a symptom legend."""
    from reportlab.platypus import Flowable

    views = [chart.load_view(paths.BODY_CHART, name) for name in chart.VIEWS]
    colours = chart.symptom_colours(body)
    fills = chart.fills(body, marks)
    dots = chart.dots(body, marks)
    total_w = sum(v.width for v in views) + GAP * (len(views) - 1)
    scale = min(width / total_w, 0.42)
    height = max(v.height for v in views) * scale

    class BodyChartDrawing(Flowable):  # type: ignore[misc]
        def wrap(self, _aw: float, _ah: float) -> tuple[float, float]:
            return width, height + LEGEND_H + 4

        def draw(self) -> None:
            canvas: Canvas = self.canv
            x = (width - total_w * scale) / 2
            for view in views:
                draw_view(canvas, view, fills, dots, x, LEGEND_H + 4, scale)
                x += (view.width + GAP) * scale
            _legend(canvas, body, colours)

    return BodyChartDrawing()


def _legend(canvas: Canvas, body: BodyChart, colours: dict[str, str]) -> None:
    x = 0.0
    for symptom in body.symptoms:
        _fill(canvas, colours[symptom.id])
        canvas.circle(x + 4, 4, 3, stroke=0, fill=1)
        canvas.setFillColorRGB(*INK)
        draw_text(canvas, x + 10, 1.5, symptom.label, REGULAR, 7.5)
        x += 10 + canvas.stringWidth(symptom.label, REGULAR, 7.5) + 14
