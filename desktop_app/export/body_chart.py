"""The body chart as vector graphics: left side, back and right side, marks coloured by symptom.

Region IDs and names come from the knowledge base (body_chart.yaml); only their position on these
simple outlines is set here. A region without a position is still listed in the marks table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from desktop_app.core.knowledge_base import BodyChart
from desktop_app.core.observations import Mark
from desktop_app.export.fonts import REGULAR, draw_text
from desktop_app.export.styles import INK, MUTED, RULE

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

# Each view is drawn in a 100 x 160 unit box, origin bottom left.
BOX_W, BOX_H = 100.0, 160.0
Point = tuple[float, float]
Ellipse = tuple[float, float, float, float]  # centre x, centre y, radius x, radius y

# Seen from behind, so the patient's left is on the viewer's left; positions are for the left side
# and mirrored for the right.
POSTERIOR: dict[str, Ellipse] = {
    "lumbar": (44, 150, 5, 7),
    "sacroiliac": (44, 135, 3.5, 3.5),
    "upper_outer_buttock": (29, 125, 6, 5.5),
    "deep_gluteal": (39, 122, 4, 4),
    "central_buttock": (35, 111, 6.5, 5),
    "coccyx": (48.3, 117, 1.8, 3.5),
    "ischial_tuberosity": (42, 100, 3.5, 3.5),
    "lower_buttock": (32, 98, 6, 3),
    "posterior_thigh": (35, 68, 7, 17),
    "lower_leg": (38, 22, 4.5, 13),
}
POSTERIOR_OUTLINE: list[Point] = [
    (30, 160),
    (25, 142),
    (21, 124),
    (20, 106),
    (22, 88),
    (25, 60),
    (28, 40),
    (29, 22),
    (31, 6),
    (29, 0),
    (45, 0),
    (44, 6),
    (45, 22),
    (46, 40),
    (48, 70),
    (49.5, 92),
]
# The right side seen from the patient's right (front to the viewer's right); mirrored for the left.
LATERAL: dict[str, Ellipse] = {
    "upper_outer_buttock": (33, 127, 5.5, 5.5),
    "greater_trochanter": (44, 113, 5, 5),
    "lateral_thigh": (47, 82, 6, 17),
    "groin": (61, 114, 3.5, 6),
    "lower_leg": (45, 24, 4.5, 13),
}
LATERAL_OUTLINE: list[Point] = [
    (36, 160),
    (31, 142),
    (26, 126),
    (27, 108),
    (33, 90),
    (37, 60),
    (38, 46),
    (35, 32),
    (38, 8),
    (38, 0),
    (72, 0),
    (70, 4),
    (54, 8),
    (52, 24),
    (53, 44),
    (57, 52),
    (61, 80),
    (64, 104),
    (65, 120),
    (62, 140),
    (60, 160),
]
VIEWS = (
    ("Left side", "lateral", "left"),
    ("Back", "posterior", ""),
    ("Right side", "lateral", "right"),
)
PALETTE = (
    (0.80, 0.13, 0.13),
    (0.55, 0.27, 0.07),
    (0.13, 0.35, 0.78),
    (0.10, 0.55, 0.30),
    (0.55, 0.22, 0.65),
    (0.90, 0.50, 0.05),
    (0.20, 0.60, 0.65),
    (0.45, 0.45, 0.45),
)


def symptom_colours(chart: BodyChart) -> dict[str, tuple[float, float, float]]:
    """One colour per symptom, in knowledge-base order."""
    return {s.id: PALETTE[n % len(PALETTE)] for n, s in enumerate(chart.symptoms)}


def _tint(rgb: tuple[float, float, float], amount: float = 0.72) -> tuple[float, float, float]:
    # Mixed with white rather than transparent: PDF/A documents stay opaque.
    r, g, b = rgb
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def placed_regions(view: str, side: str) -> dict[str, Ellipse]:
    """Region ellipses of one panel in box units, for the given side of the body."""
    if view == "posterior":
        left = POSTERIOR
        return (
            left
            if side == "left"
            else {k: (BOX_W - x, y, rx, ry) for k, (x, y, rx, ry) in left.items()}
        )
    return (
        LATERAL
        if side == "right"
        else {k: (BOX_W - x, y, rx, ry) for k, (x, y, rx, ry) in LATERAL.items()}
    )


def _outline(view: str, mirror: bool) -> list[Point]:
    if view == "posterior":
        half: list[Point] = POSTERIOR_OUTLINE
        return half + [(BOX_W - x, y) for x, y in reversed(half)]
    return [(BOX_W - x, y) for x, y in LATERAL_OUTLINE] if mirror else list(LATERAL_OUTLINE)


def body_chart_flowable(chart: BodyChart, marks: Sequence[Mark], width: float) -> Any:
    """A flowable drawing the three views and a symptom legend, `width` points wide."""
    from reportlab.platypus import Flowable

    colours = symptom_colours(chart)
    views_of = {r.id: r.views for r in chart.regions}
    panel_w = width / 3
    scale = min(panel_w * 0.8 / BOX_W, 1.25)
    legend_h = 16.0

    class BodyChartDrawing(Flowable):  # type: ignore[misc]
        def wrap(self, _aw: float, _ah: float) -> tuple[float, float]:
            return width, BOX_H * scale + 14 + legend_h

        def draw(self) -> None:
            canvas: Canvas = self.canv
            for n, (label, view, lateral_side) in enumerate(VIEWS):
                x0 = n * panel_w + (panel_w - BOX_W * scale) / 2
                y0 = legend_h + 14
                _panel(canvas, x0, y0, scale, view, lateral_side)
                canvas.setFillColorRGB(*MUTED)
                draw_text(
                    canvas,
                    n * panel_w + panel_w / 2,
                    legend_h + 2,
                    label,
                    REGULAR,
                    7.5,
                    align="centre",
                )
            _legend(canvas, chart, colours, width)

    def _panel(canvas: Canvas, x0: float, y0: float, s: float, view: str, side: str) -> None:
        canvas.saveState()
        canvas.translate(x0, y0)
        canvas.scale(s, s)
        points = _outline(view, mirror=side == "left")
        path = canvas.beginPath()
        path.moveTo(*points[0])
        for p in points[1:]:
            path.lineTo(*p)
        path.close()
        canvas.setStrokeColorRGB(*INK)
        canvas.setFillColorRGB(0.985, 0.975, 0.965)
        canvas.setLineWidth(0.9 / s)
        canvas.drawPath(path, stroke=1, fill=1)
        sides = ("left", "right") if view == "posterior" else (side,)
        for body_side in sides:
            for region_id, (x, y, rx, ry) in placed_regions(view, body_side).items():
                if view not in views_of.get(region_id, ()):
                    continue
                here = sorted(
                    {
                        m.symptom
                        for m in marks
                        if m.region == region_id and m.side in (body_side, "both")
                    },
                    key=list(colours).index,
                )
                canvas.setStrokeColorRGB(*RULE)
                canvas.setLineWidth(0.5 / s)
                if here:
                    canvas.setFillColorRGB(*_tint(colours[here[0]]))
                canvas.ellipse(x - rx, y - ry, x + rx, y + ry, stroke=1, fill=1 if here else 0)
                for k, symptom in enumerate(here):  # one dot per symptom, side by side
                    dx = (k - (len(here) - 1) / 2) * 3.2
                    canvas.setFillColorRGB(*colours[symptom])
                    canvas.circle(x + dx, y, 1.4, stroke=0, fill=1)
        canvas.restoreState()

    def _legend(canvas: Canvas, chart: BodyChart, colours: dict[str, Any], width: float) -> None:
        x = 0.0
        for symptom in chart.symptoms:
            canvas.setFillColorRGB(*colours[symptom.id])
            canvas.circle(x + 4, 4, 3, stroke=0, fill=1)
            canvas.setFillColorRGB(*INK)
            draw_text(canvas, x + 10, 1.5, symptom.label, REGULAR, 7.5)
            x += 10 + canvas.stringWidth(symptom.label, REGULAR, 7.5) + 14

    return BodyChartDrawing()
