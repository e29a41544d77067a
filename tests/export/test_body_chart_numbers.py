"""On paper as on screen, each body-chart region carries its number and a legend names it: the
names written on the regions printed at 3 pt."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from pathlib import Path

from desktop_app import paths
from desktop_app.core import body_chart as chart
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Mark
from desktop_app.export import write_pdf
from desktop_app.export.body_chart import NUMBER_PT, number_chips
from tests.export import builders
from tests.export.pdf_reading import text

SCALE = 0.42  # the drawing's scale on an A4 summary


def test_every_region_is_numbered_once_per_view_and_chips_never_touch(kb: KnowledgeBase) -> None:
    numbers = chart.region_numbers(kb.body_chart)
    assert sorted(numbers.values()) == list(range(1, len(kb.body_chart.regions) + 1))
    for name in chart.VIEWS:
        view = chart.load_view(paths.BODY_CHART, name)
        chips = number_chips(view, numbers, 0, 0, SCALE)
        regions = {s.region for s in view.shapes if s.id and s.region in numbers}
        assert sorted(chips.values()) == sorted(numbers[r] for r in regions), name
        for (a, _), (b, _) in itertools.combinations(chips.items(), 2):
            assert math.dist(a, b) > 1.5 * NUMBER_PT, (name, a, b)  # two chip radii


def test_the_summary_prints_numbers_and_the_legend_not_tiny_names(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    bundle = builders.bundle(kb, visits=1)
    marks = (Mark("greater_trochanter", "pain", "left"),)
    visit = replace(bundle.visit, observations=replace(bundle.visit.observations, marks=marks))
    pdf = write_pdf("summary", builders.with_visits(bundle, visit, [visit]), tmp_path / "s.pdf")
    printed = text(pdf)
    assert "1 Lower back · 2 Sacroiliac joint / PSIS" in printed
    assert "9 Greater trochanter" in printed
    for tiny in ("Lat. thigh", "Trochanter", "Post. thigh"):  # the 3-pt names on the regions
        assert tiny not in printed
    assert "Posterior view (from behind)" in printed and "Left side" in printed
