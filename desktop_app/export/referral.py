"""The one-page referral letter: to whom, why now, key findings and the question asked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop_app.export import layout
from desktop_app.export import wording as w
from desktop_app.export.bundle import VisitBundle
from desktop_app.export.fonts import markup
from desktop_app.export.sections import letterhead, para, patient_block, rich, spacer
from desktop_app.export.styles import page_size
from desktop_app.export.summary import body_width, page_info

TITLE = "Referral letter"
MAX_FINDINGS = 10


def _conditions_in_question(bundle: VisitBundle) -> list[str]:
    """Conditions the receiving clinician is asked about: the flagged ones, else the leader."""
    kb, names = bundle.kb, []
    for alert in bundle.differential.red_flags:
        names += [
            kb.conditions[c].name
            for c in kb.red_flags[alert.flag_id].conditions
            if c in kb.conditions
        ]
    leading = bundle.differential.leading
    if not names and leading is not None:
        names.append(leading.name)
    return list(dict.fromkeys(names))


def _recipient(bundle: VisitBundle) -> str:
    leading = bundle.differential.leading
    if leading is not None and leading.condition_id in bundle.kb.conditions:
        referral = bundle.kb.conditions[leading.condition_id].next_steps.referral
        if referral and not bundle.differential.red_flags:
            return referral[0]
    return "The receiving clinician"


def _exam_summary(bundle: VisitBundle) -> list[str]:
    """The examination in one line per result word: 'Positive: SLR (left), slump (left)'."""
    by_result: dict[str, list[str]] = {}
    for test, side, result in w.exam_rows(bundle.kb, bundle.visit.observations):
        where = f"{test} ({side.lower()})" if side != "—" else test
        if result in ("Positive", "Negative", "Inconclusive"):
            by_result.setdefault(f"{result} on examination", []).append(where)
        else:
            by_result.setdefault("Measured", []).append(f"{where}: {result}")
    return [f"{label}: {'; '.join(items)}" for label, items in by_result.items()]


def key_findings(bundle: VisitBundle) -> list[str]:
    """The findings that drive the referral, most telling first, at most MAX_FINDINGS."""
    findings: list[str] = []
    flagged = {
        c for a in bundle.differential.red_flags for c in bundle.kb.red_flags[a.flag_id].conditions
    }
    for result in bundle.differential.conditions:
        if result.condition_id in flagged or result is bundle.differential.leading:
            findings += [f.label for f in result.supporting]
    obs = bundle.visit.observations
    findings += _exam_summary(bundle)
    findings += [
        f"{symptom}: {region.lower()} ({side.lower()})"
        for region, side, symptom in w.mark_rows(bundle.kb, obs)
    ]
    for measure_id, scored in bundle.visit.measures.items():
        if scored.score is not None and measure_id in bundle.kb.measures:
            measure = bundle.kb.measures[measure_id]
            findings.append(
                f"{measure.name}: {w.score_text(scored.score)} "
                f"({measure.minimum:g}–{measure.maximum:g})"
            )
    return list(dict.fromkeys(findings))[:MAX_FINDINGS]


def render_referral(bundle: VisitBundle) -> bytes:
    """The letter's PDF bytes, shrunk to fit one page if it runs long."""
    from reportlab.platypus import KeepInFrame, ListFlowable, ListItem

    width = body_width(bundle)
    settings, visit = bundle.settings, bundle.visit
    body: list[Any] = [
        *patient_block(bundle.patient, visit, width),
        spacer(8),
        rich(f"<b>To:</b> {markup(_recipient(bundle))}"),
        rich(f"<b>Date:</b> {w.format_date(dt.date.today())}"),
        spacer(6),
        para("Dear colleague,"),
        spacer(4),
        para("Why now", "h2"),
    ]
    for alert in bundle.differential.red_flags:
        body.append(
            rich(
                f"RED FLAG — {markup(alert.name)} ({alert.urgency.upper()}). "
                f"{markup(alert.action)}",
                "alert",
            )
        )
        body.append(para(w.acknowledgement_text(visit.red_flag_acks.get(alert.flag_id)), "small"))
    if not bundle.differential.red_flags:
        body.append(
            para(
                f"I saw this patient on {w.format_date(visit.visit_date)} "
                f"({w.visit_type_name(visit.visit_type).lower()}) and would value "
                "your opinion."
            )
        )
    body.append(para("Key findings", "h2"))
    items = [ListItem(para(f), leftIndent=10) for f in key_findings(bundle)]
    body.append(
        ListFlowable(
            items,
            bulletType="bullet",
            start="•",
            leftIndent=10,
            bulletFontName="DejaVuSans",
            bulletFontSize=8,
        )
        if items
        else para("No findings recorded.", "muted")
    )
    body += [para("Plan so far", "h2"), para(visit.plan.strip() or "No plan recorded.")]
    asked = " or ".join(_conditions_in_question(bundle)) or "the cause of the symptoms"
    body += [
        para("Question", "h2"),
        para(
            f"Please assess this patient for {asked}, and advise on further "
            "investigation and management."
        ),
    ]
    body += [
        spacer(10),
        para("Yours sincerely,"),
        spacer(14),
        para(settings.clinician_name or "Clinician"),
    ]
    if settings.registration_number:
        body.append(para(f"Registration no. {settings.registration_number}", "small"))
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
