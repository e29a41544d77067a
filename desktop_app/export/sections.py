"""The parts of a visit shared by the summary and the history: each returns a list of flowables."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from desktop_app.core import safety_wording as sw
from desktop_app.core.diagnosis import ConditionResult, Differential, format_probability
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.measures import change, change_words
from desktop_app.core.records import Amendment, Patient, Settings, Visit
from desktop_app.core.signing import needs_acknowledgement
from desktop_app.export import wording as w
from desktop_app.export.body_chart import body_chart_flowable
from desktop_app.export.fonts import REGULAR, markup
from desktop_app.export.measure_chart import measure_chart_flowable
from desktop_app.export.paragraphs import paragraph
from desktop_app.export.styles import RULE, SHADE, colour, flag_style, styles, table_style

if TYPE_CHECKING:
    from desktop_app.export.bundle import Scores

log = logging.getLogger(__name__)

LEADING_SHOWN = 3  # conditions listed with their findings for and against


def para(text: str, style: str = "body") -> Any:
    """A paragraph of plain text (escaped, CJK runs in the CJK font, newlines kept)."""
    return paragraph(markup(text).replace("\n", "<br/>"), getattr(styles(), style))


def rich(markup_text: str, style: str = "body") -> Any:
    """A paragraph of ready-made markup (callers escape data with fonts.markup)."""
    return paragraph(markup_text, getattr(styles(), style))


def table(rows: Sequence[Sequence[Any]], widths: Sequence[float], header: bool = True) -> Any:
    from reportlab.platypus import Table

    cells = [
        [
            para(c, "cell_bold" if header and r == 0 else "cell") if isinstance(c, str) else c
            for c in row
        ]
        for r, row in enumerate(rows)
    ]
    return Table(
        cells,
        colWidths=list(widths),
        style=table_style(header),
        hAlign="LEFT",
        repeatRows=1 if header else 0,
    )


def _logo(path: str) -> Any:
    """The clinic logo, or "" when none is set or it cannot be read."""
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    if not path:
        return ""
    try:
        ImageReader(path).getSize()  # ReportLab reads lazily: fail here, not mid-layout
    except OSError:
        # An unreadable logo must not stop a clinical record from being exported.
        log.warning("clinic logo could not be read; exporting without it")
        return ""
    logo = Image(path, width=90, height=45, kind="proportional")
    logo.hAlign = "RIGHT"
    return logo


def letterhead(settings: Settings, title: str, width: float, author: str = "") -> list[Any]:
    """Clinic name and address, the clinician the document is from, logo on the right.

    Only what set-up recorded: before a clinic name is set there is no made-up one ("Clinic"),
    and with nothing to show the document starts with its title.
    """
    from reportlab.platypus import Table

    lines = [rich(f"<b>{markup(settings.clinic_name)}</b>", "body")] if settings.clinic_name else []
    lines += [para(line, "small") for line in settings.clinic_address.splitlines() if line.strip()]
    if author:
        lines.append(para(author, "small"))
    logo = _logo(settings.logo_path)
    if not lines and not logo:
        return [para(title, "title")]
    head = Table(
        [[lines, logo]],
        colWidths=[width - 100, 100],
        style=[
            ("FONT", (0, 0), (-1, -1), REGULAR, 9),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("LINEBELOW", (0, 0), (-1, -1), 0.8, colour(RULE)),
        ],
    )
    return [head, spacer(8), para(title, "title")]


def spacer(height: float) -> Any:
    from reportlab.platypus import Spacer

    return Spacer(1, height)


def patient_block(patient: Patient, visit: Visit | None, width: float) -> list[Any]:
    """Patient name, date of birth, identifier and (for one visit) the visit date and type."""
    from reportlab.platypus import Table

    ident = patient.clinic_id or f"#{patient.id}"
    rows = [["Patient", rich(f"<b>{markup(patient.name)}</b>", "cell"), "Identifier", ident]]
    born = w.format_date(patient.date_of_birth)
    if visit is not None:
        born += f" (age {patient.age_on(visit.visit_date)} at the visit)"
    rows.append(["Date of birth", born, "Sex", patient.sex.capitalize()])
    if visit is not None:
        rows.append(
            [
                "Visit date",
                w.format_date(visit.visit_date),
                "Visit type",
                w.visit_type_name(visit.visit_type),
            ]
        )
    quarter = width / 4
    cells = [[para(c, "cell") if isinstance(c, str) else c for c in row] for row in rows]
    style = [
        *table_style(header=False),
        ("BACKGROUND", (0, 0), (-1, -1), colour(SHADE)),
        ("LINEBELOW", (0, 0), (-1, -1), 0, colour(SHADE)),
    ]
    return [
        Table(
            cells,
            colWidths=[quarter * 0.7, quarter * 1.6, quarter * 0.6, quarter * 1.1],
            style=style,
            hAlign="LEFT",
        )
    ]


def complaint_section(kb: KnowledgeBase, visit: Visit) -> list[Any]:
    names = w.presentation_names(kb, visit.observations.presentations)
    return [para("Presenting complaint", "h2"), para("; ".join(names) or "Not recorded.")]


def history_section(kb: KnowledgeBase, visit: Visit, differential: Differential) -> list[Any]:
    """History answers as sentences, grouped by topic; the "no" answers of the red-flag domains
    screened negative are one line, 'Red flags screened: negative for …'."""
    out = [para("History", "h2")]
    answers = visit.observations.answers
    collapsed = {
        kb.prompts[i].question
        for i in sw.negative_screen_answers(kb, differential, answers)
        if i in kb.prompts
    }
    topics = [
        w.Topic(t.name, tuple((q, a) for q, a in t.sentences if q not in collapsed))
        for t in w.history_topics(kb, visit.observations)
    ]
    topics = [t for t in topics if t.sentences]
    negative = sw.screened_negative_line(sw.summarise_screening(kb, differential.screening))
    if not topics and not negative:
        out.append(para("No history recorded.", "muted"))
    for topic in topics:
        out.append(para(topic.name, "h3"))
        out += [para(w.sentence(q, a)) for q, a in topic.sentences]
    if negative:
        out.append(para(negative))
    return out


def exam_section(kb: KnowledgeBase, visit: Visit, width: float) -> list[Any]:
    """The recorded examination results as a table."""
    out = [para("Examination", "h2")]
    rows = w.exam_rows(kb, visit.observations)
    if not rows:
        return [*out, para("No examination findings recorded.", "muted")]
    return [
        *out,
        table([("Test", "Side", "Result"), *rows], [width * 0.64, width * 0.12, width * 0.24]),
    ]


def body_chart_section(kb: KnowledgeBase, visit: Visit, width: float) -> list[Any]:
    """The drawing and the marks as a table (the text is what a screen reader and search find)."""
    from reportlab.platypus import KeepTogether

    out = [para("Body chart", "h2")]
    rows = w.region_rows(kb, visit.observations)
    if not rows:
        return [*out, para("No symptoms marked.", "muted")]
    drawing = body_chart_flowable(kb.body_chart, visit.observations.marks, min(width, 460))
    return [
        KeepTogether([*out, drawing]),
        spacer(4),
        table(
            [("Region", "Side", "Symptom", "Intensity and quality"), *rows],
            [width * 0.36, width * 0.1, width * 0.27, width * 0.27],
        ),
    ]


def measures_section(kb: KnowledgeBase, visit: Visit, scores: Scores, width: float) -> list[Any]:
    """Scores with the change since the previous scored visit, and a chart across visits."""
    if not visit.measures:
        return []
    out = [para("Outcome measures", "h2")]
    rows: list[Sequence[str]] = [("Measure", "Score", "Change since previous visit")]
    charts = []
    for measure_id, result in visit.measures.items():
        measure = kb.measures.get(measure_id)
        if measure is None:
            continue
        points = w.measure_points(scores, measure_id, until=visit)
        if result.score is None:
            rows.append((measure.name, "Incomplete", ""))
            continue
        score = f"{w.score_text(result.score)} (range {measure.minimum:g}–{measure.maximum:g})"
        moved = "First score"
        if len(points) >= 2:
            moved = change_words(measure, change(measure, points[-2][1], points[-1][1]))
        rows.append((measure.name, score, moved))
        labels = visit.measure_labels.get(measure_id, {})
        for key, label in sorted(labels.items()):  # the PSFS activities, each with its score
            value = result.responses.get(key)
            rows.append((f"    {label}", "—" if value is None else w.score_text(value), ""))
        if len(points) >= 2:
            charts.append(measure_chart_flowable(measure, points, min(width, 420)))
    out.append(table(rows, [width * 0.4, width * 0.22, width * 0.38]))
    for chart in charts:
        out += [spacer(6), chart]
    return out


def _condition(result: ConditionResult, rank: int | None) -> list[Any]:
    """One row; a nested diagnosis (rank None) is written under its parent."""
    label = f"{rank}. " if rank is not None else "↳ "
    estimate = (
        format_probability(result.posterior) if result.specific else "no specific findings yet"
    )
    head = (
        f"<b>{label}{markup(result.name)}</b>: {estimate} "
        f"(pre-test {format_probability(result.prior)})"
    )
    out = [rich(head)]
    for label, findings in (("For", result.supporting), ("Against", result.opposing)):
        if findings:
            listed = "; ".join(w.finding_text(f) for f in findings)
            out.append(rich(f"<i>{label}:</i> {markup(listed)}", "small"))
    if not result.supporting and not result.opposing:
        out.append(para("No recorded finding changes this estimate.", "muted"))
    return out


def _safety_lines(kb: KnowledgeBase, differential: Differential) -> list[Any]:
    """Must exclude now, pertinent negatives vs not screened, safety-net advice (as on screen)."""
    out: list[Any] = []
    if differential.must_exclude:
        out.append(para(sw.MUST_EXCLUDE_TITLE, "h3"))
        out += [
            rich(markup(sw.must_exclude_line(m)), flag_style(m.urgency))
            for m in differential.must_exclude
        ]
    summary = sw.summarise_screening(kb, differential.screening)
    for line in (sw.screened_negative_line(summary), sw.not_screened_line(summary)):
        if line:
            out.append(para(line))
    advice = sw.safety_net_texts(differential)
    if advice:
        out.append(para("Safety-net advice given", "h3"))
        out += [rich(f"• {markup(text)}") for text in advice]
    return out


def differential_section(
    differential: Differential, visit: Visit, kb: KnowledgeBase | None = None
) -> list[Any]:
    """Red flags with urgency, action and acknowledgement, then the leading conditions."""
    out = [para("Assessment", "h2")]
    for alert in differential.red_flags:
        out.append(
            rich(markup(sw.flag_heading(alert.urgency, alert.name)), flag_style(alert.urgency))
        )
        out.append(rich(f"<i>Action:</i> {markup(alert.action)}"))
        if needs_acknowledgement(alert):
            ack = w.acknowledgement_text(visit.red_flag_acks.get(alert.flag_id))
            out.append(rich(f"<i>Acknowledged:</i> {markup(ack)}"))
        out.append(spacer(3))
    if kb is not None:
        out += _safety_lines(kb, differential)
    out.append(para("Leading conditions", "h3"))
    rank = 0
    for result in differential.conditions:
        if result.parent is None:
            rank += 1
            if rank > LEADING_SHOWN:
                break
        out += _condition(result, None if result.parent else rank)
    out.append(
        para(
            "Probabilities are estimates from published likelihood ratios and expert "
            "priors; they support, not replace, clinical judgement.",
            "muted",
        )
    )
    return out


def plan_section(visit: Visit) -> list[Any]:
    return [para("Plan", "h2"), para(visit.plan.strip() or "No plan recorded.")]


def amendments_section(amendments: Sequence[Amendment], visit: Visit) -> list[Any]:
    mine = sorted((a for a in amendments if a.visit_id == visit.id), key=lambda a: a.created_at)
    if not mine:
        return []
    out = [para("Amendments", "h2")]
    for amendment in mine:
        out.append(para(w.amendment_heading(amendment), "h3"))
        out.append(rich(f"<i>Reason:</i> {markup(amendment.reason)}"))
        out.append(para(amendment.text))
    return out


def signature_block(visit: Visit, width: float) -> list[Any]:
    """Who signed and when, with the fingerprint; nothing for a draft (it carries the watermark)."""
    from reportlab.platypus import KeepTogether, Table

    if not visit.is_signed or visit.signed_at is None:
        return []
    rows = [
        [
            rich(
                f"<b>Signed</b> by {markup(visit.signed_by)} on {w.format_time(visit.signed_at)}",
                "cell",
            )
        ],
        [para(f"Fingerprint (SHA-256): {visit.fingerprint}", "small")],
    ]
    box = Table(
        rows,
        colWidths=[width],
        hAlign="LEFT",
        style=[
            *table_style(header=False),
            ("BOX", (0, 0), (-1, -1), 0.8, colour(RULE)),
            ("LINEBELOW", (0, 0), (-1, -1), 0, colour(RULE)),
        ],
    )
    return [KeepTogether([para("Signature", "h2"), box])]


def visit_sections(
    kb: KnowledgeBase,
    visit: Visit,
    differential: Differential,
    amendments: Sequence[Amendment],
    scores: Scores,
    width: float,
) -> list[Any]:
    """Everything recorded for one visit, in reading order."""
    return [
        *complaint_section(kb, visit),
        *history_section(kb, visit, differential),
        *exam_section(kb, visit, width),
        *body_chart_section(kb, visit, width),
        *measures_section(kb, visit, scores, width),
        *differential_section(differential, visit, kb),
        *plan_section(visit),
        *amendments_section(amendments, visit),
        *signature_block(visit, width),
    ]
