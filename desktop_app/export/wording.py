"""Plain-language wording of recorded data: dates, answers, results and acknowledgements.

Pure functions with no ReportLab, so they are cheap to test. The words for single values (visit
types, answers, sides, dates) are core.wording's, which the window uses too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_app.core.body_chart import detail_text
from desktop_app.core.diagnosis import AppliedFinding
from desktop_app.core.knowledge import ExamItem, KnowledgeBase
from desktop_app.core.measures import format_score
from desktop_app.core.observations import NO_SIDE, Observations
from desktop_app.core.records import Amendment, RedFlagAck, Visit
from desktop_app.core.visibility import displayed

# The words of single values are core.wording's (the window uses them too); re-exported here for
# the export modules.
from desktop_app.core.wording import MONTHS as MONTHS
from desktop_app.core.wording import NOT_KNOWN as NOT_KNOWN
from desktop_app.core.wording import SIDE_NAMES as SIDE_NAMES
from desktop_app.core.wording import VISIT_TYPES as VISIT_TYPES
from desktop_app.core.wording import answer_text as answer_text
from desktop_app.core.wording import format_date as format_date
from desktop_app.core.wording import visit_type_name as visit_type_name

if TYPE_CHECKING:
    from desktop_app.export.bundle import Scores


def _number(value: float) -> str:
    return f"{value:g}"


def format_time(moment: dt.datetime) -> str:
    """A stored UTC time shown in the workstation's local time zone: '22 Nov 2026, 14:05'."""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    return f"{format_date(local.date())}, {local:%H:%M}"


def sentence(question: str, answer: str) -> str:
    """'Question? Answer.' or 'Label: answer.'"""
    question = question.strip()
    joined = f"{question} {answer}" if question.endswith("?") else f"{question}: {answer}"
    return joined if joined.endswith((".", "!", "?")) else joined + "."


@dataclass(frozen=True)
class Topic:
    name: str
    sentences: tuple[tuple[str, str], ...]  # (question, answer)


def history_topics(kb: KnowledgeBase, obs: Observations) -> list[Topic]:
    """Recorded answers grouped by their prompt's topic, in knowledge-base order.

    An answer hidden by its show-when rule (hidden on screen, ignored by the engine) is not
    printed: core.visibility decides for all three.
    """
    obs = displayed(kb, obs)
    ordered = [p.id for p in kb.prompts_for(obs.presentations)]
    ordered += [
        pid for pid in kb.prompts if pid not in ordered
    ]  # answers outside the presentations
    topics: dict[str, list[tuple[str, str]]] = {}
    for pid in ordered:
        if pid not in obs.answers:
            continue
        prompt = kb.prompts[pid]
        topics.setdefault(prompt.topic, []).append(
            (prompt.question, answer_text(prompt, obs.answers[pid]))
        )
    return [Topic(name, tuple(rows)) for name, rows in topics.items()]


def result_text(item: ExamItem, value: object) -> str:
    """A binary result word or a measurement with its unit."""
    if item.result_type == "measurement" and isinstance(value, int | float):
        return f"{_number(float(value))} {item.unit}".rstrip()
    return str(value).capitalize()


def exam_rows(kb: KnowledgeBase, obs: Observations) -> list[tuple[str, str, str]]:
    """(test, side, result) for every recorded examination result, in knowledge-base order."""
    ordered = [i.id for i in kb.exam_items_for(obs.presentations)]
    ordered += [iid for iid in kb.exam_items if iid not in ordered]
    rows = []
    for iid in ordered:
        item = kb.exam_items[iid]
        for side in ("left", "right", NO_SIDE):
            if side in obs.exam.get(iid, {}):
                value = obs.exam[iid][side]
                rows.append((item.name, SIDE_NAMES[side], result_text(item, value)))
    return rows


def mark_rows(kb: KnowledgeBase, obs: Observations) -> list[tuple[str, str, str]]:
    """(region, side, symptom) of every body-chart mark, in knowledge-base region order."""
    regions = {r.id: (n, r.name) for n, r in enumerate(kb.body_chart.regions)}
    symptoms = {s.id: s.label for s in kb.body_chart.symptoms}
    marks = sorted(
        obs.marks, key=lambda m: (regions.get(m.region, (999, ""))[0], m.side, m.symptom)
    )
    return [
        (
            regions.get(m.region, (0, m.region))[1],
            SIDE_NAMES.get(m.side, m.side),
            symptoms.get(m.symptom, m.symptom),
        )
        for m in marks
    ]


def region_rows(kb: KnowledgeBase, obs: Observations) -> list[tuple[str, str, str, str]]:
    """(region, side, symptoms, intensity and quality) for each marked region and side."""
    grouped: dict[tuple[str, str], list[str]] = {}
    keys: dict[tuple[str, str], tuple[str, str]] = {}
    regions = {r.name: r.id for r in kb.body_chart.regions}
    sides = {name: side for side, name in SIDE_NAMES.items()}
    for region, side, symptom in mark_rows(kb, obs):
        grouped.setdefault((region, side), []).append(symptom)
        keys[(region, side)] = (regions.get(region, region), sides.get(side, side))
    return [
        (
            region,
            side,
            ", ".join(symptoms),
            detail_text(kb.body_chart, obs.regions.get(keys[place])),
        )
        for place, symptoms in grouped.items()
        for region, side in [place]
    ]


def acknowledgement_text(ack: RedFlagAck | None) -> str:
    """How a red flag was acknowledged, or that it was not."""
    if ack is None:
        return "Not acknowledged."
    who = f"{ack.acknowledged_by}, {format_time(ack.acknowledged_at)}"
    if ack.referred:
        return f"Referred ({who})."
    return f"Not referred: {ack.reason} ({who})."


def presentation_names(kb: KnowledgeBase, presentations: Iterable[str]) -> list[str]:
    return [kb.presentations[p].name if p in kb.presentations else p for p in presentations]


def visit_heading(visit: Visit) -> str:
    return f"{format_date(visit.visit_date)} — {visit_type_name(visit.visit_type)}"


def amendment_heading(amendment: Amendment) -> str:
    return f"{format_time(amendment.created_at)}, {amendment.author}"


def finding_text(finding: AppliedFinding) -> str:
    """A finding with its likelihood ratio, marked when the finding was absent."""
    return f"{finding.statement} (LR {finding.lr:.2g})"


def score_text(value: float) -> str:
    return format_score(value)


def measure_points(
    scores: Scores, measure_id: str, until: Visit | None = None
) -> list[tuple[dt.date, float]]:
    """(visit date, score) of the scored visits in date order, up to `until` when given."""
    last = None if until is None else (until.visit_date, until.id)
    return [
        (day, value)
        for day, visit_id, value in scores.get(measure_id, ())
        if last is None or (day, visit_id) <= last
    ]
