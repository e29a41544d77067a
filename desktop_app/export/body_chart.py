"""The body chart on paper: core.body_chart's model (the window's drawing) in vector graphics.

The shapes come from resources/body_chart/*.svg through the model, with its palette and fill
rule, so a symptom has the colour on paper that it has on screen. Drawn opaque (PDF/A).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from desktop_app import paths
from desktop_app.core import body_chart as chart
from desktop_app.core.knowledge import BodyChart
from desktop_app.core.observations import Mark
from desktop_app.export.fonts import BOLD, REGULAR, draw_text
from desktop_app.export.styles import INK

NUMBER_INK = "#1f3447"

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

LEGEND_H = 16.0
GAP = 12.0  # between the views
NUMBER_PT = 6.5  # a region's number on the drawing (its name, written there, was 3 pt)
LEGEND_PT = 7.0


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
    numbers: Mapping[str, int] | None = None,
) -> None:
    """One view with its bottom-left corner at (x0, y0): SVG coordinates, y flipped; with
    `numbers`, each region carries its number (as on screen) instead of its tiny name."""
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
        if numbers is not None and view.region_label(label):
            continue
        _fill(canvas, label.fill)
        align = "centre" if label.anchor == "middle" else "left"
        x, y = x0 + label.x * scale, y0 + (view.height - label.y) * scale
        draw_text(canvas, x, y, label.text, REGULAR, label.size * scale, align=align)
    for (x, y), number in number_chips(view, numbers or {}, x0, y0, scale).items():
        _fill(canvas, "#ffffff")
        _stroke(canvas, NUMBER_INK, 0.6)
        radius = NUMBER_PT * 0.75
        canvas.roundRect(x - radius, y - radius, 2 * radius, 2 * radius, radius, stroke=1, fill=1)
        _fill(canvas, NUMBER_INK)
        draw_text(canvas, x, y - NUMBER_PT * 0.35, str(number), BOLD, NUMBER_PT, align="centre")


def number_chips(
    view: chart.View, numbers: Mapping[str, int], x0: float, y0: float, scale: float
) -> dict[tuple[float, float], int]:
    """Page positions (centres) of the region numbers of one view."""
    chips = {}
    for element, number in view.numbered(numbers).items():
        shape = next(s for s in view.shapes if s.id == element)
        cx, cy = shape.centre
        chips[(x0 + cx * scale, y0 + (view.height - cy) * scale)] = number
    return chips


def region_legend(body: BodyChart, width: float) -> list[str]:
    """'1 Lower back · 2 Sacroiliac joint …' broken into lines that fit the width."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for region, number in chart.region_numbers(body).items():
        name = next(r.name for r in body.regions if r.id == region)
        part = f"{number} {name}"
        joined = f"{line} · {part}" if line else part
        if line and stringWidth(joined, REGULAR, LEGEND_PT) > width:
            lines.append(line)
            joined = part
        line = joined
    return [*lines, line] if line else lines


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
    numbers = chart.region_numbers(body)
    names = region_legend(body, width)
    names_h = len(names) * (LEGEND_PT + 2.5)

    class BodyChartDrawing(Flowable):  # type: ignore[misc]
        def wrap(self, _aw: float, _ah: float) -> tuple[float, float]:
            return width, height + LEGEND_H + 4 + names_h

        def draw(self) -> None:
            canvas: Canvas = self.canv
            x = (width - total_w * scale) / 2
            for view in views:
                draw_view(canvas, view, fills, dots, x, LEGEND_H + 4 + names_h, scale, numbers)
                x += (view.width + GAP) * scale
            canvas.setFillColorRGB(*INK)
            for n, line in enumerate(names):  # the numbers' names, under the drawing
                y = LEGEND_H + 4 + names_h - (n + 1) * (LEGEND_PT + 2.5) + 2
                draw_text(canvas, 0, y, line, REGULAR, LEGEND_PT)
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
