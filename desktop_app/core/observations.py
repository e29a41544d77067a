"""What was recorded at a visit: answers, examination results and body-chart marks.

Anything not recorded is unknown. A sided examination item keeps one result per side; an item
that is not side-specific uses the side ``"none"``. A validation case file may record a sided
item under ``"not_stated"`` when the published report gives the result but not the side; a live
visit never does (storage and the GUI refuse it: the clinician knows the side).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

SIDES = ("left", "right")
NO_SIDE = "none"
SIDE_NOT_STATED = "not_stated"  # case files only: the report gives the result, not the side
UNKNOWN = "unknown"

# Results of a binary examination item. "Not tested" is never stored: it is the absence of a result.
BINARY_RESULTS = ("positive", "negative", "inconclusive")

Answer = Any  # str | float | int | tuple[str, ...], checked against the prompt by validation.py
ExamValue = str | float


@dataclass(frozen=True, order=True)
class Mark:
    """One symptom marked on the body chart."""

    region: str
    symptom: str
    side: str


@dataclass(frozen=True)
class RegionDetail:
    """How the symptoms of one marked region (and side) are: intensity 0-10 (None: not rated)
    and qualities (knowledge-base IDs, in its order)."""

    intensity: int | None = None
    qualities: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.intensity is None and not self.qualities


@dataclass(frozen=True)
class Observations:
    """Everything recorded for one visit, keyed by knowledge-base IDs."""

    presentations: tuple[str, ...] = ()
    answers: Mapping[str, Answer] = field(default_factory=dict)
    exam: Mapping[str, Mapping[str, ExamValue]] = field(default_factory=dict)
    marks: tuple[Mark, ...] = ()
    regions: Mapping[tuple[str, str], RegionDetail] = field(default_factory=dict)  # (region, side)

    def with_answer(self, prompt_id: str, value: Answer) -> Observations:
        answers = dict(self.answers)
        answers[prompt_id] = value
        return replace(self, answers=answers)

    def with_exam(self, item_id: str, side: str, value: ExamValue) -> Observations:
        exam = {key: dict(sides) for key, sides in self.exam.items()}
        exam.setdefault(item_id, {})[side] = value
        return replace(self, exam=exam)

    def is_recorded(self, kind: str, item_id: str) -> bool:
        if kind == "answer":
            return item_id in self.answers
        return bool(self.exam.get(item_id))
