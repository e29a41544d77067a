"""Outcome-measure scoring and change against the minimal clinically important difference."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from desktop_app.core.errors import InvalidObservation
from desktop_app.core.knowledge import Measure

TOTAL = "total"  # the response key of a total_only measure (entered from the paper form)
MAX_LABEL = 80  # characters in the name of a patient-specific item ("Climbing stairs")
# A measure item that a history answer can pre-fill, when the clinician asks for it:
# (measure, item) -> prompt. The NPRS "pain now" is the history's current pain (both 0-10).
PREFILLED_FROM_HISTORY = {("nprs", "current"): "current_pain"}


@dataclass(frozen=True)
class Score:
    measure_id: str
    value: float | None  # None until the measure is complete enough to score
    answered: int
    expected: int

    @property
    def complete(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Change:
    delta: float  # current - previous, in the measure's own units
    improved: bool
    important: bool  # the size of the change reaches the MCID


def item_key(n: int) -> str:
    """The response key of the n-th (1-based) item of a patient-specific measure."""
    return f"activity_{n}"


def format_score(value: float) -> str:
    """A score as printed and shown: at most one decimal (a PSFS mean of 6.333... is 6.3)."""
    return f"{round(value, 1):g}"


def format_change(delta: float) -> str:
    return f"{round(delta, 1):+g}"


def validate_labels(measure: Measure, labels: Mapping[str, str]) -> dict[str, str]:
    """The names of a patient-specific measure's items, trimmed; an empty name is no name."""
    if not measure.patient_specific:
        raise InvalidObservation(f"{measure.name} has no items to name.")
    keys = {item_key(n) for n in range(1, measure.max_items + 1)}
    clean = {}
    for key, label in labels.items():
        if key not in keys:
            raise InvalidObservation(f"'{key}' is not an item of {measure.name}.")
        if not isinstance(label, str):
            raise InvalidObservation(f"The name of {measure.name} '{key}' must be text.")
        text = " ".join(label.split())
        if any(unicodedata.category(ch) == "Cc" for ch in text):
            raise InvalidObservation(
                f"The name of {measure.name} '{key}' contains control characters."
            )
        if len(text) > MAX_LABEL:
            raise InvalidObservation(
                f"The name of {measure.name} '{key}' is longer than {MAX_LABEL} characters."
            )
        if text:
            clean[key] = text
    return clean


def prefill_from_history(
    measure: Measure, answers: Mapping[str, object]
) -> dict[str, float] | None:
    """Responses a history answer offers for the measure (None if it offers none)."""
    offered = {}
    for (measure_id, key), prompt_id in PREFILLED_FROM_HISTORY.items():
        value = answers.get(prompt_id)
        if (
            measure_id == measure.id
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            offered[key] = float(value)
    return offered or None


def validate_responses(measure: Measure, responses: Mapping[str, float]) -> dict[str, float]:
    """Check every response is a known item with a value in its range."""
    if measure.scoring == "total_only":
        ranges = {TOTAL: (measure.minimum, measure.maximum)}
    elif measure.patient_specific:
        ranges = {item_key(n): (0.0, 10.0) for n in range(1, measure.max_items + 1)}
    else:
        ranges = {i.id: (i.minimum, i.maximum) for i in measure.items}
    clean = {}
    for key, value in responses.items():
        if key not in ranges:
            raise InvalidObservation(f"'{key}' is not an item of {measure.name}.")
        lo, hi = ranges[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise InvalidObservation(
                f"{measure.name} item '{key}' must be from {lo:g} to {hi:g}, not {value!r}."
            )
        clean[key] = float(value)
    return clean


def score(measure: Measure, responses: Mapping[str, float]) -> Score:
    """Score a measure. Item-based measures need every item; PSFS averages the rated activities."""
    values = validate_responses(measure, responses)
    if measure.scoring == "total_only":
        total = values.get(TOTAL)
        return Score(measure.id, total, int(total is not None), 1)
    if measure.patient_specific:
        rated = list(values.values())
        mean = sum(rated) / len(rated) if rated else None
        return Score(measure.id, mean, len(rated), max(1, len(rated)))
    expected = len(measure.items)
    if len(values) < expected:
        return Score(measure.id, None, len(values), expected)
    total = sum(values.values())
    value = total / expected if measure.scoring == "mean" else total
    return Score(measure.id, value, expected, expected)


_ROUNDING = 1e-9  # far below any score step a measure has, far above float error


def change(measure: Measure, previous: float, current: float) -> Change:
    """How the score moved and whether the move reaches the MCID. A mean score (PSFS) holds
    thirds and fifths that binary floating point cannot: 5/3 -> 11/3 is a move of
    1.9999999999999998, which is 2 as the user sees it, so the comparison allows for that."""
    delta = current - previous
    improved = delta > 0 if measure.higher_is_better else delta < 0
    return Change(delta, improved and delta != 0, abs(delta) >= measure.mcid.value - _ROUNDING)


def change_words(measure: Measure, moved: Change) -> str:
    """A change as the window and the PDFs word it: "+3 (worse), a clinically important
    worsening: reaches the MCID of 2". The rule is "reaches" (at least the MCID), either way."""
    direction = "better" if moved.improved else ("worse" if moved.delta else "unchanged")
    text = f"{format_change(moved.delta)} ({direction})"
    mcid = f"the MCID of {measure.mcid.value:g}"
    if moved.important:
        kind = "improvement" if moved.improved else "worsening"
        return f"{text}, a clinically important {kind}: reaches {mcid}"
    return f"{text}, below {mcid}" if moved.delta else text
