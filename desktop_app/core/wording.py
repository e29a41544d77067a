"""Words for recorded values, shared by the window and the PDFs (no Qt, no ReportLab).

Labels of clinical items come from the knowledge base; only presentation words (visit types,
yes/no, sides, months) live here, once, so the screen and the paper say the same thing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop_app.core.dates import from_iso
from desktop_app.core.knowledge import Prompt
from desktop_app.core.observations import NO_SIDE, SIDE_NOT_STATED, UNKNOWN

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
VISIT_TYPES = {
    "initial": "Initial assessment",
    "follow_up": "Follow-up",
    "re_assessment": "Re-assessment",
    "discharge": "Discharge",
}
SIDE_NAMES = {
    "left": "Left",
    "right": "Right",
    "both": "Both",
    NO_SIDE: "—",
    SIDE_NOT_STATED: "Side not stated",  # case files only (core.observations)
}
NOT_KNOWN = "Not known"
YES_NO = {"yes": "Yes", "no": "No", UNKNOWN: NOT_KNOWN}


def visit_type_name(visit_type: str) -> str:
    return VISIT_TYPES.get(visit_type, visit_type.replace("_", " ").capitalize())


def format_date(day: dt.date) -> str:
    """A date as '22 Nov 2026' (month names are not locale-dependent, unlike strftime)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _number(value: float) -> str:
    return f"{value:g}"


def choices(prompt: Prompt) -> list[tuple[Any, str]]:
    """The answers offered as buttons or a list, worded as answer_text words them."""
    kind = prompt.answer_type
    if kind == "yes_no":
        return list(YES_NO.items())
    if kind == "side":
        return [(side, SIDE_NAMES[side]) for side in ("left", "right", "both")]
    if kind == "scale":
        low = int(prompt.minimum if prompt.minimum is not None else 0)
        high = int(prompt.maximum if prompt.maximum is not None else 10)
        return [(n, str(n)) for n in range(low, high + 1)]
    return [(o.id, o.label) for o in prompt.options]


def answer_text(prompt: Prompt, value: Any) -> str:
    """An answer as the patient would read it; 'unknown' is 'Not known'."""
    if value == UNKNOWN:
        return NOT_KNOWN
    kind = prompt.answer_type
    if kind == "yes_no":
        return YES_NO.get(str(value), str(value))
    if kind == "side":
        return SIDE_NAMES.get(str(value), str(value))
    labels = {o.id: o.label for o in prompt.options}
    if kind == "single_choice":
        return labels.get(str(value), str(value))
    if kind == "multiple_choice":
        return ", ".join(labels.get(v, v) for v in value) or "None"
    if kind == "scale":
        return f"{_number(float(value))} out of 10"
    if kind in ("number", "duration"):
        return f"{_number(float(value))} {prompt.unit}".rstrip()
    if kind == "date":  # to the day, or a remembered month or year
        day = from_iso(str(value))
        if day.complete:
            return format_date(day.first_day())
        return f"{MONTHS[day.month - 1]} {day.year}" if day.month else str(day.year)
    return str(value)
