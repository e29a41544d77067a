"""The clinical summary of one visit."""

from __future__ import annotations

from typing import Any

from desktop_app.export import layout
from desktop_app.export.bundle import VisitBundle
from desktop_app.export.sections import letterhead, patient_block, spacer, visit_sections
from desktop_app.export.styles import page_size
from desktop_app.export.wording import format_date

TITLE = "Clinical summary"


def page_info(bundle: VisitBundle, title: str) -> layout.PageInfo:
    """Header, footer and metadata for one of the bundle's documents."""
    patient, settings = bundle.patient, bundle.settings
    born = format_date(patient.date_of_birth)
    footer = " · ".join(p for p in (settings.clinic_name, layout.printed_on()) if p)
    return layout.PageInfo(
        title=title,
        meta_title=f"{title}: {patient.name}, {format_date(bundle.visit.visit_date)}",
        subject=f"{title} for the visit of {format_date(bundle.visit.visit_date)}",
        author=bundle.author or settings.clinic_name or "Clinician",
        patient_line=f"{patient.name} · born {born}",
        footer_left=footer,
        page_size=settings.page_size,
    )


def body_width(bundle: VisitBundle) -> float:
    return page_size(bundle.settings.page_size)[0] - 2 * layout.MARGIN


def render_summary(bundle: VisitBundle) -> bytes:
    """The summary's PDF bytes: every page watermarked while the visit is unsigned."""
    width = body_width(bundle)
    story: list[Any] = [
        *letterhead(bundle.settings, TITLE, width, bundle.author),
        *patient_block(bundle.patient, bundle.visit, width),
        spacer(2),
        *visit_sections(
            bundle.kb, bundle.visit, bundle.differential, bundle.amendments, bundle.scores, width
        ),
    ]
    template = layout.FINAL if bundle.visit.is_signed else layout.DRAFT
    return layout.render(page_info(bundle, TITLE), story, template)
