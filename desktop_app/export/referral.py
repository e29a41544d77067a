"""The one-page referral letter: to whom, why now, key findings and the question asked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop_app.core import safety_wording as sw
from desktop_app.core.referral import conditions_in_question, suggested
from desktop_app.core.signing import needs_acknowledgement
from desktop_app.export import layout
from desktop_app.export import wording as w
from desktop_app.export.bundle import VisitBundle
from desktop_app.export.fonts import markup
from desktop_app.export.sections import letterhead, para, patient_block, rich, spacer
from desktop_app.export.styles import flag_style, page_size
from desktop_app.export.summary import body_width, page_info

TITLE = "Referral letter"


def _exam_sentences(bundle: VisitBundle) -> list[str]:
    """One short sentence per result: 'Slump test positive on the left.'"""
    out = []
    for test, side, result in w.exam_rows(bundle.kb, bundle.visit.observations):
        where = f" on the {side.lower()}" if side != "—" else ""
        if result in ("Positive", "Negative", "Inconclusive"):
            out.append(f"{test} {result.lower()}{where}.")
        else:
            out.append(f"{test}{where}: {result}.")
    return out


def _chart_sentences(bundle: VisitBundle) -> list[str]:
    """One sentence per marked region and side: 'Posterior thigh (left): pain, 6/10, burning.'"""
    return [
        f"{region} ({side.lower()}): {', '.join(p for p in (symptoms.lower(), rated) if p)}."
        for region, side, symptoms, rated in w.region_rows(bundle.kb, bundle.visit.observations)
    ]


def _measure_sentences(bundle: VisitBundle) -> list[str]:
    out = []
    for measure_id, scored in bundle.visit.measures.items():
        if scored.score is not None and measure_id in bundle.kb.measures:
            measure = bundle.kb.measures[measure_id]
            out.append(
                f"{measure.name}: {w.score_text(scored.score)} "
                f"(range {measure.minimum:g}–{measure.maximum:g})."
            )
    return out


def finding_topics(bundle: VisitBundle) -> list[tuple[str, list[str]]]:
    """The letter's findings as short sentences grouped by topic, topics without any left out:
    what supports each condition asked about, the examination, the body chart, the outcome
    measures and the red-flag screening."""
    kb, differential = bundle.kb, bundle.differential
    asked = set(conditions_in_question(kb, differential))
    topics: list[tuple[str, list[str]]] = []
    for result in differential.conditions:
        if result.name in asked and result.supporting:
            sentences = [f"{f.label}." for f in result.supporting]
            topics.append((f"In favour of {result.name}", list(dict.fromkeys(sentences))))
    topics += [
        ("Examination", _exam_sentences(bundle)),
        ("Body chart", _chart_sentences(bundle)),
        ("Outcome measures", _measure_sentences(bundle)),
    ]
    # The pertinent negatives only: the summary lists what is still to ask.
    negative = sw.screened_negative_line(sw.summarise_screening(kb, differential.screening))
    topics.append(("Red-flag screening", [negative] if negative else []))
    return [(name, sentences) for name, sentences in topics if sentences]


def _amendments(bundle: VisitBundle) -> list[Any]:
    """The visit's signed amendments, oldest first: a letter never leaves out a correction."""
    mine = sorted(
        (a for a in bundle.amendments if a.visit_id == bundle.visit.id), key=lambda a: a.created_at
    )
    if not mine:
        return []
    out = [para("Amendments to the record", "h2")]
    for amendment in mine:
        out.append(
            rich(
                f"<b>{markup(w.amendment_heading(amendment))}.</b> {markup(amendment.text)} "
                f"<i>(Reason: {markup(amendment.reason)})</i>"
            )
        )
    return out


def render_referral(bundle: VisitBundle) -> bytes:
    """The letter's PDF bytes, shrunk to fit one page if it runs long."""
    from reportlab.platypus import KeepInFrame

    width = body_width(bundle)
    settings, visit = bundle.settings, bundle.visit
    letter = bundle.letter or suggested(bundle.kb, bundle.differential)
    body: list[Any] = [
        *patient_block(bundle.patient, visit, width),
        spacer(8),
        rich(f"<b>To:</b> {markup(letter.addressee)}"),
        rich(f"<b>Date:</b> {w.format_date(dt.date.today())}"),
        spacer(6),
        para("Dear colleague,"),
        spacer(4),
        para(
            f"I saw this patient on {w.format_date(visit.visit_date)} "
            f"({w.visit_type_name(visit.visit_type).lower()}).",
        ),
        para("Reason for referral", "h2"),
        para(letter.reason),
    ]
    for alert in bundle.differential.red_flags:
        heading = sw.flag_heading(alert.urgency, alert.name)
        body.append(rich(f"{markup(heading)}. {markup(alert.action)}", flag_style(alert.urgency)))
        if needs_acknowledgement(alert):
            ack = w.acknowledgement_text(visit.red_flag_acks.get(alert.flag_id))
            body.append(para(ack, "small"))
    body.append(para("Findings", "h2"))
    topics = finding_topics(bundle)
    body += [
        rich(f"<b>{markup(name)}.</b> {markup(' '.join(sentences))}") for name, sentences in topics
    ] or [para("No findings recorded.", "muted")]
    body += [para("Plan so far", "h2"), para(visit.plan.strip() or "No plan recorded.")]
    body += _amendments(bundle)
    body += [para("Question", "h2"), para(letter.question)]
    body += [spacer(10), para("Yours sincerely,"), spacer(14)]
    body.append(para(bundle.author or "_" * 32))  # no clinician named: a line to sign by hand
    if visit.is_signed and visit.signed_at is not None:
        body.append(
            para(
                f"Visit record signed {w.format_time(visit.signed_at)}; fingerprint "
                f"{visit.fingerprint}",
                "muted",
            )
        )
    height = page_size(settings.page_size)[1] - 2 * layout.MARGIN - layout.HEADER - 10
    story = [
        KeepInFrame(width, height, [*letterhead(settings, TITLE, width), *body], mode="shrink")
    ]
    template = layout.FINAL if visit.is_signed else layout.DRAFT
    return layout.render(page_info(bundle, TITLE), story, template)
