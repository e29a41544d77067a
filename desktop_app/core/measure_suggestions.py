"""Which outcome measures suit the current differential (measures.yaml `suited_for`).

A condition-specific measure is suggested when it suits one of the leading conditions: the first
LEADING_GROUPS top-level rows that the record points to (a supporting finding, see
core.diagnosis), together with their children that the record points to. Rows with no specific
findings yet, and must-exclude rows without a supporting finding, suggest nothing. A generic
measure (`conditions: all`) is suggested for every patient.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.differential import ConditionResult, Differential
from desktop_app.core.knowledge import KnowledgeBase

LEADING_GROUPS = 3


@dataclass(frozen=True)
class MeasureSuggestion:
    measure_id: str
    conditions: tuple[str, ...]  # names of the leading conditions it suits; () = every patient

    def label(self) -> str:
        if not self.conditions:
            return "Suggested for every patient"
        return "Suggested for " + ", ".join(self.conditions)


def leading_conditions(differential: Differential) -> list[ConditionResult]:
    """The leading groups the record points to, each parent followed by its specific children."""
    chosen: list[ConditionResult] = []
    groups = 0
    parents: set[str] = set()
    for row in differential.conditions:
        if row.parent is None:
            if groups == LEADING_GROUPS or not row.specific:
                continue
            groups += 1
            parents.add(row.condition_id)
            chosen.append(row)
        elif row.parent in parents and row.specific:
            chosen.append(row)
    return chosen


def suggested_measures(
    kb: KnowledgeBase, differential: Differential
) -> dict[str, MeasureSuggestion]:
    """measure ID -> suggestion, for every measure that suits the patient (module docstring)."""
    leading = leading_conditions(differential)
    out: dict[str, MeasureSuggestion] = {}
    for measure in kb.measures.values():
        fit = measure.suited_for
        if fit is None:
            continue
        if fit.every_condition:
            out[measure.id] = MeasureSuggestion(measure.id, ())
            continue
        names = tuple(c.name for c in leading if c.condition_id in fit.conditions)
        if names:
            out[measure.id] = MeasureSuggestion(measure.id, names)
    return out
