"""The body chart as data: shapes read from resources/body_chart/*.svg, one palette, one fill rule.

The window (QSvgRenderer over `View.svg`) and the PDF (ReportLab, from the same shapes) both draw
this model, so a symptom has the same colour and a region the same fill on screen and on paper.
Each clickable element of the SVG has the id ``REGION-SIDE`` (regions from body_chart.yaml). Only
the SVG subset the shipped drawings use is read: ``path`` (absolute M, L, C, Z), ``ellipse``,
``text``; anything else is an error naming the file.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path

from desktop_app.core.errors import InvalidObservation, KnowledgeBaseError
from desktop_app.core.knowledge import BodyChart
from desktop_app.core.observations import SIDES, Mark, RegionDetail

VIEWS = ("posterior", "lateral", "anterior")
SVG_NS = "http://www.w3.org/2000/svg"
# One colour per symptom type, in the knowledge base's order (presentation, not content).
PALETTE = ("#d9534f", "#7b52ab", "#2f7ed8", "#e69138", "#3c9d5d", "#8a6d3b")
DOT_RADIUS = 5.0  # each further symptom of a region: a dot of its colour at the region's centre
DOT_STEP = 13.0
DOT_RING = "#ffffff"
_PATH_TOKEN = re.compile(r"[MLCZmlcz]|-?\d*\.?\d+(?:[eE][-+]?\d+)?")
_ARITY = {"M": 2, "L": 2, "C": 6, "Z": 0}

Segment = tuple[str, tuple[float, ...]]  # ("M", (x, y)), ("C", (x1, y1, x2, y2, x, y)), ("Z", ())


@dataclass(frozen=True)
class Shape:
    """One drawn element: an outline (no id) or a clickable region ``REGION-SIDE``."""

    id: str
    kind: str  # "path" or "ellipse"
    segments: tuple[Segment, ...]  # a path's commands; an ellipse has none
    ellipse: tuple[float, float, float, float]  # cx, cy, rx, ry (zeros for a path)
    fill: str
    stroke: str
    stroke_width: float
    title: str

    @property
    def region(self) -> str:
        return self.id.rpartition("-")[0]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """The bounding box (left, top, right, bottom)."""
        if self.kind == "ellipse":
            cx, cy, rx, ry = self.ellipse
            return cx - rx, cy - ry, cx + rx, cy + ry
        xs = [v for _, p in self.segments for v in p[0::2]]
        ys = [v for _, p in self.segments for v in p[1::2]]
        return min(xs), min(ys), max(xs), max(ys)

    def contains(self, x: float, y: float, margin: float = 0) -> bool:
        """Whether a point lies within the shape's bounding box grown by `margin`."""
        left, top, right, bottom = self.bounds
        return left - margin <= x <= right + margin and top - margin <= y <= bottom + margin

    @property
    def centre(self) -> tuple[float, float]:
        """The middle of the shape's bounding box (where its symptom dots go)."""
        if self.kind == "ellipse":
            return self.ellipse[0], self.ellipse[1]
        left, top, right, bottom = self.bounds
        return (left + right) / 2, (top + bottom) / 2


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    size: float
    fill: str
    anchor: str  # "start" or "middle"


@dataclass(frozen=True)
class View:
    """One SVG drawing: its size, shapes in drawing order, and its text labels."""

    name: str
    width: float
    height: float
    shapes: tuple[Shape, ...]
    labels: tuple[Label, ...]

    def regions(self, known: Iterable[str]) -> tuple[Shape, ...]:
        """The clickable shapes whose region the knowledge base defines."""
        wanted = set(known)
        return tuple(s for s in self.shapes if s.id and s.region in wanted)

    def numbered(self, numbers: Mapping[str, int]) -> dict[str, int]:
        """The shape that carries each region's number: its first in this view."""
        found: dict[str, int] = {}
        seen: set[str] = set()
        for shape in self.shapes:
            if shape.id and shape.region in numbers and shape.region not in seen:
                seen.add(shape.region)
                found[shape.id] = numbers[shape.region]
        return found

    def region_label(self, label: Label) -> bool:
        """A region's name written on or just below it (not a caption such as "Left side")."""
        near = 2 * label.size  # the small regions carry their name underneath
        return any(s.id and s.contains(label.x, label.y, near) for s in self.shapes)

    def svg(
        self,
        fills: Mapping[str, str],
        dots: Mapping[str, tuple[str, ...]],
        *,
        region_labels: bool = True,
    ) -> bytes:
        """The drawing as SVG with marked regions filled and the further symptoms as dots;
        without the names on the regions when the screen numbers them instead."""
        parts = [
            f'<svg xmlns="{SVG_NS}" version="1.2" baseProfile="tiny" width="{self.width:g}" '
            f'height="{self.height:g}" viewBox="0 0 {self.width:g} {self.height:g}">'
        ]
        for shape in self.shapes:
            paint = (
                f'fill="{fills.get(shape.id, shape.fill)}" stroke="{shape.stroke}" '
                f'stroke-width="{shape.stroke_width:g}"'
            )
            ident = f' id="{shape.id}"' if shape.id else ""
            title = f"<title>{escape(shape.title)}</title>" if shape.title else ""
            if shape.kind == "ellipse":
                cx, cy, rx, ry = shape.ellipse
                geometry = f'<ellipse{ident} cx="{cx:g}" cy="{cy:g}" rx="{rx:g}" ry="{ry:g}"'
            else:
                geometry = f'<path{ident} d="{path_data(shape.segments)}"'
            parts.append(f"{geometry} {paint}>{title}</{shape.kind}>")
        for shape in self.shapes:
            for (x, y), colour in dot_positions(shape, dots.get(shape.id, ())):
                parts.append(
                    f'<circle cx="{x:g}" cy="{y:g}" r="{DOT_RADIUS:g}" fill="{colour}" '
                    f'stroke="{DOT_RING}" stroke-width="1.5"/>'
                )
        for label in self.labels:
            if not region_labels and self.region_label(label):
                continue
            parts.append(
                f'<text x="{label.x:g}" y="{label.y:g}" font-family="sans-serif" '
                f'font-size="{label.size:g}" fill="{label.fill}" text-anchor="{label.anchor}">'
                f"{escape(label.text)}</text>"
            )
        parts.append("</svg>")
        return "\n".join(parts).encode("utf-8")


def region_numbers(body: BodyChart) -> dict[str, int]:
    """Each region's number on the drawing, on screen and on paper, and in the legend that names
    it (the knowledge base's order): a name written on a region is too small to read."""
    return {region.id: n for n, region in enumerate(body.regions, start=1)}


def path_data(segments: Iterable[Segment]) -> str:
    return " ".join(f"{cmd} {','.join(f'{v:g}' for v in pts)}".strip() for cmd, pts in segments)


def _segments(d: str, where: str) -> tuple[Segment, ...]:
    tokens = _PATH_TOKEN.findall(d)
    out: list[Segment] = []
    n = 0
    while n < len(tokens):
        cmd = tokens[n]
        if cmd not in _ARITY:  # lower-case (relative) commands are not used by the drawings
            raise KnowledgeBaseError(where, "path", f"unsupported path command {cmd!r}")
        count = _ARITY[cmd]
        values = tuple(float(v) for v in tokens[n + 1 : n + 1 + count])
        if len(values) != count:
            raise KnowledgeBaseError(where, "path", f"{cmd} needs {count} numbers")
        out.append((cmd, values))
        n += 1 + count
    return tuple(out)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


@functools.cache
def load_view(folder: Path, name: str) -> View:
    """Read one drawing (`folder/name.svg`) into shapes and labels."""
    path = folder / f"{name}.svg"
    where = f"body_chart/{path.name}"
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise KnowledgeBaseError(where, "file", f"cannot be read: {exc}") from None
    shapes: list[Shape] = []
    labels: list[Label] = []
    for element in root:
        kind = _local(element.tag)
        get = element.get
        title = element.findtext(f"{{{SVG_NS}}}title", "") or ""
        paint = (get("fill", "none"), get("stroke", "none"), float(get("stroke-width", "0")))
        if kind == "path":
            segments = _segments(get("d", ""), where)
            shapes.append(Shape(get("id", ""), "path", segments, (0, 0, 0, 0), *paint, title))
        elif kind == "ellipse":
            cx, cy, rx, ry = (float(get(k, "0")) for k in ("cx", "cy", "rx", "ry"))
            shapes.append(Shape(get("id", ""), "ellipse", (), (cx, cy, rx, ry), *paint, title))
        elif kind == "text":
            labels.append(
                Label(
                    float(get("x", "0")),
                    float(get("y", "0")),
                    element.text or "",
                    float(get("font-size", "12")),
                    get("fill", "#000000"),
                    get("text-anchor", "start"),
                )
            )
        else:
            raise KnowledgeBaseError(where, kind, "unsupported SVG element")
    return View(
        name,
        float(root.get("width", "0")),
        float(root.get("height", "0")),
        tuple(shapes),
        tuple(labels),
    )


def symptom_colours(chart: BodyChart) -> dict[str, str]:
    """One colour per symptom, in knowledge-base order: the legend on screen and on paper."""
    return {s.id: PALETTE[n % len(PALETTE)] for n, s in enumerate(chart.symptoms)}


def element_symptoms(chart: BodyChart, marks: Iterable[Mark]) -> dict[str, tuple[str, ...]]:
    """Symptoms marked on each element ``REGION-SIDE``, in knowledge-base order ("both" = each)."""
    order = [s.id for s in chart.symptoms]
    found: dict[str, set[str]] = {}
    for mark in marks:
        for side in SIDES if mark.side == "both" else (mark.side,):
            found.setdefault(f"{mark.region}-{side}", set()).add(mark.symptom)
    rank = {sid: n for n, sid in enumerate(order)}
    return {
        eid: tuple(sorted(symptoms, key=lambda s: (rank.get(s, len(rank)), s)))
        for eid, symptoms in found.items()
    }


def fills(chart: BodyChart, marks: Iterable[Mark]) -> dict[str, str]:
    """The fill rule: a marked element takes the colour of its first symptom (knowledge-base
    order); each further symptom is a dot (`dots`)."""
    colours = symptom_colours(chart)
    return {
        eid: colours.get(symptoms[0], PALETTE[-1])
        for eid, symptoms in element_symptoms(chart, marks).items()
    }


def dots(chart: BodyChart, marks: Iterable[Mark]) -> dict[str, tuple[str, ...]]:
    """Colours of the further symptoms of each element, drawn as dots at its centre."""
    colours = symptom_colours(chart)
    return {
        eid: tuple(colours.get(s, PALETTE[-1]) for s in symptoms[1:])
        for eid, symptoms in element_symptoms(chart, marks).items()
        if len(symptoms) > 1
    }


def dot_positions(shape: Shape, colours: tuple[str, ...]) -> list[tuple[tuple[float, float], str]]:
    """Where a shape's dots go: side by side, centred on the shape."""
    cx, cy = shape.centre
    return [
        ((cx + (k - (len(colours) - 1) / 2) * DOT_STEP, cy), colour)
        for k, colour in enumerate(colours)
    ]


def hex_rgb(colour: str) -> tuple[float, float, float]:
    """'#d9534f' -> (0.85, 0.33, 0.31)."""
    value = colour.lstrip("#")
    return (int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255)


INTENSITY_MAX = 10  # a marked region's intensity: 0 (none) to 10 (worst imaginable)


def check_detail(
    chart: BodyChart,
    region: str,
    side: str,
    intensity: int | None,
    qualities: Iterable[str],
) -> RegionDetail:
    """A region's intensity and qualities checked against the chart, qualities in its order."""
    if region not in {r.id for r in chart.regions}:
        raise InvalidObservation(f"Unknown body-chart region '{region}'.")
    if side not in (*SIDES, "both"):
        raise InvalidObservation(f"Side must be left, right or both, not '{side}'.")
    if intensity is not None and (
        isinstance(intensity, bool)
        or not isinstance(intensity, int)
        or not 0 <= intensity <= INTENSITY_MAX
    ):
        raise InvalidObservation(
            f"Intensity must be a whole number from 0 to {INTENSITY_MAX}, not {intensity!r}."
        )
    chosen = set(qualities)
    known = [q.id for q in chart.qualities]
    unknown = sorted(chosen - set(known))
    if unknown:
        raise InvalidObservation(f"Unknown symptom quality: {', '.join(unknown)}.")
    return RegionDetail(intensity, tuple(q for q in known if q in chosen))


def detail_text(chart: BodyChart, detail: RegionDetail | None) -> str:
    """'6/10, burning, pins and needles' (screen and paper alike); '' when nothing is recorded."""
    if detail is None:
        return ""
    labels = {q.id: q.label for q in chart.qualities}
    parts = [] if detail.intensity is None else [f"{detail.intensity}/{INTENSITY_MAX}"]
    parts += [labels.get(q, q).lower() for q in detail.qualities]
    return ", ".join(parts)
