"""Outcome-measure scoring and change against the minimal clinically important difference."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from desktop_app.core.errors import InvalidObservation
from desktop_app.core.knowledge import Measure

TOTAL = "total"  # the response key of a total_only measure (entered from the paper form)


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


def validate_responses(measure: Measure, responses: Mapping[str, float]) -> dict[str, float]:
    """Check every response is a known item with a value in its range."""
    if measure.scoring == "total_only":
        ranges = {TOTAL: (measure.minimum, measure.maximum)}
    elif measure.patient_specific:
        ranges = {f"activity_{n}": (0.0, 10.0) for n in range(1, measure.max_items + 1)}
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


def change(measure: Measure, previous: float, current: float) -> Change:
    """How the score moved and whether the move reaches the MCID."""
    delta = current - previous
    improved = delta > 0 if measure.higher_is_better else delta < 0
    return Change(delta, improved and delta != 0, abs(delta) >= measure.mcid.value)
