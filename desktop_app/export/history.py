"""The patient history: an overview page, then every visit in date order, each on new pages."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from desktop_app.core.records import differential_of
from desktop_app.export import layout
from desktop_app.export import wording as w
from desktop_app.export.bundle import VisitBundle
from desktop_app.export.measure_chart import measure_chart_flowable
from desktop_app.export.sections import (
    letterhead,
    para,
    patient_block,
    spacer,
    table,
    visit_sections,
)
from desktop_app.export.summary import body_width, page_info

TITLE = "Patient history"


def render_history(bundle: VisitBundle) -> bytes:
    """Every visit of the patient; the pages of an unsigned visit carry the watermark."""
    from reportlab.platypus import NextPageTemplate, PageBreak

    width = body_width(bundle)
    visits = sorted(bundle.history or [bundle.visit], key=lambda v: (v.visit_date, v.id))
    differentials = {v.id: differential_of(bundle.kb, v) for v in visits}
    rows = [("Date", "Visit", "Status", "Leading condition")]
    for v in visits:
        leading = differentials[v.id].leading
        rows.append(
            (
                w.format_date(v.visit_date),
                w.visit_type_name(v.visit_type),
                "Signed" if v.is_signed else "Draft",
                leading.name if leading else "",
            )
        )
    story: list[Any] = [
        *letterhead(bundle.settings, TITLE, width, bundle.author),
        *patient_block(bundle.patient, None, width),
        para("Visits", "h2"),
        table(rows, [width * 0.18, width * 0.2, width * 0.12, width * 0.5]),
    ]
    for measure_id, measure in bundle.kb.measures.items():
        points = w.measure_points(bundle.scores, measure_id)
        if points:
            story += [spacer(8), measure_chart_flowable(measure, points, min(width * 0.6, 300))]
    for v in visits:
        story += [
            NextPageTemplate(layout.FINAL if v.is_signed else layout.DRAFT),
            PageBreak(),
            para(f"Visit of {w.visit_heading(v)}", "title"),
            *visit_sections(
                bundle.kb, v, differentials[v.id], bundle.amendments, bundle.scores, width
            ),
        ]
    info = replace(
        page_info(bundle, TITLE),
        meta_title=f"{TITLE}: {bundle.patient.name}",
        subject=f"All {len(visits)} visits of the patient, oldest first",
    )
    return layout.render(info, story, layout.FINAL)
