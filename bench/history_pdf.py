"""The patient-history PDF at 20 and 200 visits, against ReportLab writing as many pages of
plain paragraphs."""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path

import pikepdf

from bench.fixtures import many_visits_database
from bench.harness import Context, Goal, Result, interleaved_samples, p95, samples_ms

GOAL = Goal(max_ratio=3.0)
SIZES = (20, 200)
FLOOR_IS = (
    "ReportLab SimpleDocTemplate writing the same number of pages, each one page of plain "
    "paragraphs (no PDF/A conversion, no bundle)"
)


def paragraphs_pdf(out: Path, pages: int) -> None:
    """About ``pages`` pages of default-font paragraphs: the least a document that long costs."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["BodyText"]
    story = []
    for page in range(pages):
        story += [Paragraph(f"Benchmark floor, page {page + 1}: one paragraph.", style)] * 20
        story.append(PageBreak())
    SimpleDocTemplate(str(out)).build(story)


def measure(ctx: Context) -> list[Result]:
    """reporting.export_visit(kind='history') of the newest visit of each patient."""
    import sqlite3

    from bench.workspace import knowledge_base, open_repository
    from desktop_app.reporting import export_visit

    kb = knowledge_base()
    cached, patients = many_visits_database(ctx)
    path = ctx.work_dir / "history-pdf.sqlite3"
    shutil.copyfile(cached, path)  # each export is audited
    results = []
    repo = open_repository(path, kb)
    try:
        for size in SIZES:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            (visit_id,) = conn.execute(
                "SELECT max(id) FROM visits WHERE patient_id = ?", [patients[size]]
            ).fetchone()
            conn.close()
            app_out = ctx.work_dir / f"history-{size}.pdf"

            def app(visit_id: int = visit_id, out: Path = app_out) -> None:
                export_visit(repo, kb, visit_id, "history", out)

            app_ms = samples_ms(app, 1, warmup=0)  # the first run also gives the page count
            with pikepdf.open(app_out) as pdf:
                pages = len(pdf.pages)
            floor_out = ctx.work_dir / f"history-floor-{size}.pdf"
            repeats = ctx.repeats(5 if size < 100 else 3)

            def floor(pages: int = pages, out: Path = floor_out) -> None:
                paragraphs_pdf(out, pages)

            floor_ms, more = interleaved_samples(
                floor,
                app,
                repeats - 1,
                warmup=0,
            )
            app_ms += more
            floor_ms += samples_ms(floor, 1, warmup=0)
            note = (
                "reporting.export_visit(kind='history'): every visit of the patient (five "
                f"answers and two outcome measures each), {pages} pages, PDF/A-2b, audited."
            )
            results.append(
                Result(
                    f"History PDF, {size} visits",
                    "ms",
                    repeats,
                    GOAL,
                    statistics.median(app_ms),
                    statistics.median(floor_ms),
                    FLOOR_IS,
                    note,
                    series="History PDF (visits)",
                    size=f"{size} visits",
                    p95=p95(app_ms),
                )
            )
    finally:
        repo.close()
    return results
