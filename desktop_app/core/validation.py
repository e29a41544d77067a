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

from desktop_app.core.errors import InvalidObservation
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import (
    BINARY_RESULTS,
    NO_SIDE,
    SIDES,
    UNKNOWN,
    Answer,
    ExamValue,
    Mark,
    Observations,
)

MAX_TEXT = 20_000  # characters in one free-text answer


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
        number = _number(value)
        lo, hi = prompt.minimum, prompt.maximum
        if number is None or (lo is not None and number < lo) or (hi is not None and number > hi):
            raise bad(f"expected a number from {lo:g} to {hi:g} {prompt.unit}".rstrip())
        return int(number) if kind == "scale" or number.is_integer() else number
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise bad("expected a date as YYYY-MM-DD") from None
    return clean_text(str(value), f"answer to '{prompt_id}'")


def clean_text(text: str, what: str) -> str:
    """Normalise to NFC and refuse control characters or absurd lengths."""
    text = unicodedata.normalize("NFC", text)
    if len(text) > MAX_TEXT:
        raise InvalidObservation(f"The {what} is longer than {MAX_TEXT} characters.")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise InvalidObservation(f"The {what} contains control characters.")
    return text


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def validate_exam(kb: KnowledgeBase, item_id: str, side: str, value: Any) -> ExamValue:
    """Return the result in stored form: a binary result word or a number within range."""
    item = kb.exam_items.get(item_id)
    if item is None:
        raise InvalidObservation(f"Unknown examination item '{item_id}'.")
    allowed_sides = SIDES if item.sided else (NO_SIDE,)
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
    number = _number(value)
    lo, hi = item.minimum, item.maximum
    assert lo is not None and hi is not None
    if number is None or not lo <= number <= hi:
        raise InvalidObservation(
            f"'{value}' is not a valid measurement for '{item.name}': expected {lo:g} to {hi:g} "
            f"{item.unit}".rstrip()
            + "."
        )
    return number


def validate_mark(kb: KnowledgeBase, region: str, symptom: str, side: str) -> Mark:
    if region not in {r.id for r in kb.body_chart.regions}:
        raise InvalidObservation(f"Unknown body-chart region '{region}'.")
    if symptom not in {s.id for s in kb.body_chart.symptoms}:
        raise InvalidObservation(f"Unknown body-chart symptom '{symptom}'.")
    if side not in (*SIDES, "both"):
        raise InvalidObservation(f"A mark's side is left, right or both, not '{side}'.")
    return Mark(region, symptom, side)


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
        sides = result if isinstance(result, Mapping) else {NO_SIDE: result}
        exam[item_id] = {s: validate_exam(kb, item_id, s, v) for s, v in sides.items()}
    marks = []
    for raw in data.get("marks") or ():
        if not isinstance(raw, Mapping) or set(raw) != {"region", "symptom", "side"}:
            raise InvalidObservation(f"A mark needs region, symptom and side: {raw!r}.")
        marks.append(validate_mark(kb, raw["region"], raw["symptom"], raw["side"]))
    return Observations(presentations, answers, exam, tuple(sorted(marks)))
