"""A long history's chart: score and date labels where they fit, never overlapping, the
visit's own always printed (read back from the PDF's text positions)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.export import write_pdf
from desktop_app.export.measure_chart import TEXT_SIZE, _short
from tests.export import builders
from tests.export.pdf_reading import page_texts, text_boxes


def test_a_chart_of_eighty_visits_prints_labels_that_do_not_overlap(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    base = builders.bundle(kb, visits=2)
    start = dt.date(2025, 1, 6)
    earlier = [
        replace(
            base.history[0],
            id=n,
            visit_date=start + dt.timedelta(days=n),
            measures={"nprs": builders.nprs(kb, 5)},  # one score: its labels share a line
        )
        for n in range(1, 80)
    ]
    current = replace(base.visit, id=80, visit_date=start + dt.timedelta(days=90))
    bundle = builders.with_visits(base, current, [*earlier, current])
    pdf = write_pdf("summary", bundle, tmp_path / "summary.pdf")
    pages = page_texts(pdf)
    chart_page = next(n for n, page in enumerate(pages) if _short(start) in page)
    assert _short(current.visit_date) in pages[chart_page]  # the visit's own date
    lines: dict[float, list[tuple[float, float]]] = defaultdict(list)
    for left, baseline, right, size in text_boxes(pdf, chart_page):
        if size == TEXT_SIZE:
            lines[round(baseline, 2)].append((left, right))
    labelled = [sorted(spans) for spans in lines.values() if len(spans) > 5]
    assert len(labelled) >= 2  # the scores' line and the dates' line
    for spans in labelled:
        for (_, right), (left, _) in pairwise(spans):
            assert right <= left, f"labels overlap at x={left:.1f}"
    scores = max(labelled, key=len)
    assert 10 <= len(scores) < 80  # thinned to what the width shows, not to a handful
