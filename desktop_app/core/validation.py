"""Check answers, examination results and marks against the knowledge base before they are used.

Every entry point (GUI, storage, command line, case files) goes through these functions, so an
unknown ID or an absurd value is refused with a message that names it.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Mapping
from typing import Any

from desktop_app.core.dates import InvalidDate, PartialDate, check_range, from_iso
from desktop_app.core.errors import InvalidObservation
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import (
    BINARY_RESULTS,
    NO_SIDE,
    SIDE_NOT_STATED,
    SIDES,
    UNKNOWN,
    Answer,
    ExamValue,
    Mark,
    Observations,
)

MAX_TEXT = 20_000  # characters in one free-text answer
MAX_LINE = 200  # characters in a one-line value: a name, an identifier, a contact, a title


def validate_answer(kb: KnowledgeBase, prompt_id: str, value: Any) -> Answer:
    """Return the value in its stored form, or raise InvalidObservation naming prompt and value."""
    prompt = kb.prompts.get(prompt_id)
    if prompt is None:
        raise InvalidObservation(f"Unknown history prompt '{prompt_id}'.")
    kind = prompt.answer_type

    def bad(expected: str) -> InvalidObservation:
        return InvalidObservation(
            f"'{value}' is not a valid answer to '{prompt_id}' ({prompt.question}): {expected}."
        )

    if value == UNKNOWN and kind != "text":
        return UNKNOWN
    if kind == "yes_no":
        if value not in ("yes", "no"):
            raise bad("expected yes, no or unknown")
        return str(value)
    if kind == "side":
        if value not in ("left", "right", "both"):
            raise bad("expected left, right or both")
        return str(value)
    options = {o.id for o in prompt.options}
    if kind == "single_choice":
        if value not in options:
            raise bad(f"expected one of {', '.join(sorted(options))}")
        return str(value)
    if kind == "multiple_choice":
        if isinstance(value, str) or not all(v in options for v in value):
            raise bad(f"expected a list drawn from {', '.join(sorted(options))}")
        return tuple(sorted(set(value)))
    if kind in ("number", "duration", "scale"):
        low = 0.0 if kind == "duration" and prompt.minimum is None else prompt.minimum
        try:
            number = number_in_range(value, low, prompt.maximum, prompt.unit, prompt.question)
        except InvalidObservation:
            raise bad(f"expected {range_text(low, prompt.maximum, prompt.unit)}") from None
        return int(number) if kind == "scale" or number.is_integer() else number
    if kind == "date":  # a remembered date: to the day, the month or the year
        try:
            return check_range(from_iso(str(value)), dt.date.today(), "date").iso()
        except InvalidDate as error:
            raise bad(f"{error} Expected a date as YYYY-MM-DD, YYYY-MM or YYYY") from None
    return clean_text(str(value), f"answer to '{prompt_id}'")


def range_text(low: float | None, high: float | None, unit: str = "") -> str:
    """'0 to 10 kg', 'at least 0 weeks', 'any number'."""
    if low is not None and high is not None:
        text = f"{low:g} to {high:g}"
    elif low is not None:
        text = f"at least {low:g}"
    elif high is not None:
        text = f"at most {high:g}"
    else:
        text = "any number"
    return f"{text} {unit}".rstrip()


def number_in_range(
    value: Any, low: float | None, high: float | None, unit: str = "", what: str = "value"
) -> float:
    """The value as a finite float within [low, high]; InvalidObservation saying the range.

    The one range check: the GUI's number fields show this message at the field, and storage,
    case files and the command line refuse with it.
    """
    number = _number(value)
    if number is None:
        raise InvalidObservation(
            f"'{value}' is not a number ({what}: {range_text(low, high, unit)})."
        )
    if (low is not None and number < low) or (high is not None and number > high):
        shown = f"{number:g}"
        raise InvalidObservation(
            f"{shown} is out of range for {what}: {range_text(low, high, unit)}."
        )
    return number


def clean_text(text: str, what: str, limit: int = MAX_TEXT) -> str:
    """Normalise to NFC and refuse control characters or absurd lengths."""
    if not isinstance(text, str):
        raise InvalidObservation(f"The {what} must be text, not {type(text).__name__}.")
    text = unicodedata.normalize("NFC", text)
    if len(text) > limit:
        raise InvalidObservation(f"The {what} is longer than {limit} characters.")
    allowed = "\n\t" if limit > MAX_LINE else ""
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
        raise InvalidObservation(f"The {what} contains control characters.")
    return text


def clean_line(text: str, what: str) -> str:
    """A one-line value (name, identifier, contact): trimmed, at most MAX_LINE characters."""
    return clean_text(text, what, MAX_LINE).strip()


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def validate_exam(
    kb: KnowledgeBase, item_id: str, side: str, value: Any, *, side_not_stated: bool = False
) -> ExamValue:
    """Return the result in stored form: a binary result word or a number within range.

    ``side_not_stated`` admits the side "not_stated" for a sided item: only case files (a
    published report that omits the side) pass it; storage and the GUI never do.
    """
    item = kb.exam_items.get(item_id)
    if item is None:
        raise InvalidObservation(f"Unknown examination item '{item_id}'.")
    allowed_sides: tuple[str, ...] = SIDES if item.sided else (NO_SIDE,)
    if item.sided and side_not_stated:
        allowed_sides = (*SIDES, SIDE_NOT_STATED)
    if side not in allowed_sides:
        raise InvalidObservation(
            f"'{item.name}' takes side {' or '.join(allowed_sides)}, not '{side}'."
        )
    if item.result_type == "binary":
        if value not in BINARY_RESULTS:
            raise InvalidObservation(
                f"'{value}' is not a result of '{item.name}': expected positive, negative or "
                "inconclusive."
            )
        return str(value)
    return number_in_range(value, item.minimum, item.maximum, item.unit, item.name)


MARK_SIDES = (*SIDES, "both")  # a body-chart mark's side at a visit


def validate_mark(
    kb: KnowledgeBase, region: str, symptom: str, side: str, *, side_not_stated: bool = False
) -> Mark:
    """A mark in stored form. ``side_not_stated`` admits the side "not_stated": only case files
    (a published report that gives the site but not the side) pass it; storage and the GUI never
    do, as for examination results."""
    if region not in {r.id for r in kb.body_chart.regions}:
        raise InvalidObservation(f"Unknown body-chart region '{region}'.")
    if symptom not in {s.id for s in kb.body_chart.symptoms}:
        raise InvalidObservation(f"Unknown body-chart symptom '{symptom}'.")
    allowed = (*MARK_SIDES, SIDE_NOT_STATED) if side_not_stated else MARK_SIDES
    if side not in allowed:
        raise InvalidObservation(f"A mark's side is {_either(allowed)}, not '{side}'.")
    return Mark(region, symptom, side)


def _either(choices: tuple[str, ...]) -> str:
    """'left, right or both'."""
    return f"{', '.join(choices[:-1])} or {choices[-1]}"


def validate_date_of_birth(value: Any, today: dt.date | None = None) -> dt.date:
    """A real calendar date from 1900 to today."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidObservation(f"'{value}' is not a date of birth (expected a calendar date).")
    day = PartialDate(value.year, value.month, value.day)
    check_range(day, today or dt.date.today(), "date of birth")
    return value


def case_exam_sides(item_id: str, result: Any) -> Mapping[str, Any]:
    """A case file's examination entry as {side: result}; InvalidObservation on a bad side.

    A sided item takes left and/or right, or not_stated alone (the report gives the result but
    not the side: it counts for "positive on either side", never as one side). Whether the item
    is sided is checked against the knowledge base by `validate_exam`.
    """
    if not isinstance(result, Mapping):
        return {NO_SIDE: result}
    allowed = (*SIDES, SIDE_NOT_STATED, NO_SIDE)
    bad = [str(side) for side in result if side not in allowed]
    if bad:
        raise InvalidObservation(
            f"exam: {item_id}: side {', '.join(repr(b) for b in bad)} is not one of "
            f"{', '.join(allowed[:3])} (an item that is not side-specific takes its result "
            "directly)."
        )
    if SIDE_NOT_STATED in result and len(result) > 1:
        raise InvalidObservation(
            f"exam: {item_id}: side '{SIDE_NOT_STATED}' stands alone; with a side given, "
            "record that side and keep the rest in unmapped."
        )
    return result


def case_marks(raw: Any) -> list[Mapping[str, Any]]:
    """A case file's body-chart marks, each {region, symptom, side}; InvalidObservation naming
    the first bad one.

    The side is left, right, both, or not_stated when the report gives the site but not the side:
    like a sided result, it counts wherever a rule asks for the mark on either side, never as one
    side and never as both, and it stands alone for its region and symptom. Region and symptom
    are checked against the knowledge base by `validate_mark`.
    """
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidObservation("marks: must be a list of {region, symptom, side}.")
    allowed = (*MARK_SIDES, SIDE_NOT_STATED)
    sides: dict[tuple[Any, Any], set[Any]] = {}
    for mark in raw:
        if not isinstance(mark, Mapping) or set(mark) != {"region", "symptom", "side"}:
            raise InvalidObservation(f"marks: a mark needs region, symptom and side: {mark!r}.")
        where = f"marks: {mark['region']} {mark['symptom']}"
        if mark["side"] not in allowed:
            raise InvalidObservation(f"{where}: side {mark['side']!r} is not {_either(allowed)}.")
        sides.setdefault((mark["region"], mark["symptom"]), set()).add(mark["side"])
    for (region, symptom), found in sides.items():
        if SIDE_NOT_STATED in found and len(found) > 1:
            raise InvalidObservation(
                f"marks: {region} {symptom}: side '{SIDE_NOT_STATED}' stands alone; with a side "
                "given, mark that side and keep the rest in unmapped."
            )
    return raw


def observations_from_dict(kb: KnowledgeBase, data: Mapping[str, Any]) -> Observations:
    """Build validated observations from a case file (see docs/case-format.md)."""
    unknown = set(data) - {"presentations", "answers", "exam", "marks", "description"}
    if unknown:
        raise InvalidObservation(f"Unknown section(s) in case: {', '.join(sorted(unknown))}.")
    presentations = tuple(data.get("presentations") or ())
    for pid in presentations:
        if pid not in kb.presentations:
            raise InvalidObservation(f"Unknown presentation '{pid}'.")
    answers = {pid: validate_answer(kb, pid, v) for pid, v in (data.get("answers") or {}).items()}
    exam: dict[str, dict[str, ExamValue]] = {}
    for item_id, result in (data.get("exam") or {}).items():
        sides = case_exam_sides(item_id, result)
        exam[item_id] = {
            s: validate_exam(kb, item_id, s, v, side_not_stated=True) for s, v in sides.items()
        }
    marks = [
        validate_mark(kb, m["region"], m["symptom"], m["side"], side_not_stated=True)
        for m in case_marks(data.get("marks"))
    ]
    return Observations(presentations, answers, exam, tuple(sorted(marks)))
