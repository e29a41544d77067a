"""Follow-ups: the visit-date rule, what a visit takes from the last one and progress since it.

A follow-up carries forward what the patient brings again (complaint, PSFS activities, body
chart); examination findings are not copied: the last positive ones are offered for re-test
beside their last value, and today's result is whatever the clinician records or confirms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from desktop_app.core.errors import InvalidObservation
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.measures import Change, change
from desktop_app.core.observations import ExamValue, Observations
from desktop_app.core.records import MeasureResult, Visit
from desktop_app.core.wording import format_date

# A visit of these types continues the episode and starts from the visit before it.
CONTINUING_TYPES = ("follow_up", "re_assessment", "discharge")


def check_visit_date(
    day: dt.date, *, born: dt.date | None = None, today: dt.date | None = None
) -> dt.date:
    """A visit is dated today or earlier, and not before the patient was born."""
    today = today or dt.date.today()
    if day > today:
        raise InvalidObservation(
            f"The visit date {format_date(day)} is in the future: "
            f"choose today ({format_date(today)}) or an earlier day."
        )
    if born is not None and day < born:
        raise InvalidObservation(
            f"The visit date {format_date(day)} is before the patient's date of birth "
            f"({format_date(born)})."
        )
    return day


@dataclass(frozen=True)
class Retest:
    """A finding of the last visit to test again: its last value and today's, once recorded."""

    item_id: str
    side: str
    last: ExamValue
    today: ExamValue | None


@dataclass(frozen=True)
class MeasureProgress:
    measure_id: str
    previous: float | None
    current: float | None
    change: Change | None  # None unless both visits have a score


@dataclass(frozen=True)
class Progress:
    """Since the last visit: its date and type, each measure's move and the findings to re-test."""

    previous_date: dt.date
    previous_type: str
    measures: tuple[MeasureProgress, ...]
    findings: tuple[Retest, ...]
    previous_plan: str


def retests(kb: KnowledgeBase, previous: Observations, current: Observations) -> list[Retest]:
    """The previous visit's positive tests and its measurements, in knowledge-base order."""
    found = []
    for item_id, item in kb.exam_items.items():
        if item.retired:
            continue
        for side, value in sorted(previous.exam.get(item_id, {}).items()):
            if item.result_type == "binary" and value != "positive":
                continue
            found.append(Retest(item_id, side, value, current.exam.get(item_id, {}).get(side)))
    return found


def measure_progress(
    kb: KnowledgeBase,
    previous: Mapping[str, MeasureResult],
    current: Mapping[str, MeasureResult],
) -> list[MeasureProgress]:
    """Each measure scored at either visit, with the change when both have a score."""
    rows = []
    for measure_id, measure in kb.measures.items():
        before = previous[measure_id].score if measure_id in previous else None
        now = current[measure_id].score if measure_id in current else None
        if before is None and now is None:
            continue
        moved = change(measure, before, now) if before is not None and now is not None else None
        rows.append(MeasureProgress(measure_id, before, now, moved))
    return rows


def since_last_visit(kb: KnowledgeBase, previous: Visit, current: Visit) -> Progress:
    return Progress(
        previous_date=previous.visit_date,
        previous_type=previous.visit_type,
        measures=tuple(measure_progress(kb, previous.measures, current.measures)),
        findings=tuple(retests(kb, previous.observations, current.observations)),
        previous_plan=previous.plan,
    )
