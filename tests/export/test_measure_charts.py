"""PSFS in the PDF: named activities, rounded scores, a chart with dates (pypdf read-back)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.measures import score
from desktop_app.core.records import MeasureResult
from desktop_app.export import write_pdf
from desktop_app.export.measure_chart import _short, caption
from tests.export import builders
from tests.export.pdf_reading import text

ACTIVITIES = {
    "activity_1": "Climbing stairs",
    "activity_2": "Sitting in the car",
    "activity_3": "Running",
}


def _psfs(kb: KnowledgeBase, values: tuple[int, int, int]) -> MeasureResult:
    responses = {f"activity_{n}": float(v) for n, v in enumerate(values, start=1)}
    return MeasureResult("psfs", responses, score(kb.measures["psfs"], responses).value)


def test_the_summary_prints_psfs_rounded_with_its_activities_and_a_dated_chart(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    base = builders.bundle(kb, visits=3)
    scores = ((3, 4, 4), (5, 6, 5), (6, 6, 7))  # means 3.67, 5.33, 6.33
    history = [
        replace(
            v,
            measures={**v.measures, "psfs": _psfs(kb, s)},
            measure_labels={"psfs": ACTIVITIES},
        )
        for v, s in zip(base.history, scores, strict=True)
    ]
    current = history[-1]
    bundle = builders.with_visits(base, current, history)
    pdf = write_pdf("summary", bundle, tmp_path / "summary.pdf")
    printed = text(pdf)
    assert "6.3" in printed and "6.33" not in printed and "5.33" not in printed
    assert "3.7" in printed and "5.3" in printed
    for name in ACTIVITIES.values():
        assert name in printed
    assert "+1 (better), below the MCID of" in printed
    assert caption(kb.measures["psfs"]) in printed  # the chart's title line is not cut
    assert kb.measures["psfs"].name in printed
    for visit in history:  # the chart's date labels, as "1 Sep 26"
        assert _short(visit.visit_date) in printed
