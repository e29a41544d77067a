"""PDF export of a full visit against a one-page ReportLab document with one paragraph."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from bench.harness import Context, Goal, Result, interleaved_medians
from bench.workspace import full_visit, knowledge_base, open_repository

GOAL = Goal(max_value=200.0)
FLOOR_IS = "ReportLab SimpleDocTemplate with one Paragraph, built to a file"


def one_paragraph_pdf(out: Path) -> None:
    """The least a ReportLab document costs: one page, one paragraph, default fonts."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["BodyText"]
    SimpleDocTemplate(str(out)).build([Paragraph("Benchmark floor: one paragraph.", style)])


def measure(ctx: Context) -> list[Result]:
    """Median of reporting.export_visit (summary of a full visit) beside the floor."""
    from desktop_app.reporting import export_visit

    kb = knowledge_base()
    repo = open_repository(ctx.work_dir / "pdf.sqlite3", kb)
    try:
        visit_id = full_visit(repo)
        floor_out = ctx.work_dir / "floor.pdf"
        app_out = ctx.work_dir / "summary.pdf"
        repeats = ctx.repeats(15)
        floor_ms, app_ms = interleaved_medians(
            lambda: one_paragraph_pdf(floor_out),
            lambda: export_visit(repo, kb, visit_id, "summary", app_out),
            repeats,
        )
        with pikepdf.open(app_out) as pdf:
            pages = len(pdf.pages)
    finally:
        repo.close()
    note = (
        "reporting.export_visit(kind='summary'): load the bundle, lay out, convert to PDF/A-2b, "
        "write, audit; the visit has every prompt, test, mark and measure recorded "
        f"({pages} pages)."
    )
    return [
        Result("PDF export of a full visit", "ms", repeats, GOAL, app_ms, floor_ms, FLOOR_IS, note)
    ]
