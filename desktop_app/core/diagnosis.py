"""The explained differential: post-test probabilities from likelihood ratios, safety first.

Scoring (core.scoring): each condition's prior for the visit's presentation, adjusted by its prior
modifiers, times the LR of every recorded finding; unknown findings change nothing; a correlated
group counts one member. Conditions are not mutually exclusive, so each probability stands alone;
they are not normalised. What is displayed is held within the limits of core.probability.

Order of `Differential.conditions` and the leaders the next best test separates: core.ranking
(must exclude first, then the groups the record points to, then "no specific findings yet";
nested diagnoses grouped under their parent, which carries the group's probability).
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

from desktop_app.core.differential import (
    AppliedFinding,
    ConditionResult,
    Differential,
    MustExclude,
    NextTest,
    RedFlagAlert,
    SafetyNet,
    Screening,
)
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.memo import changed_items, snapshot, store
from desktop_app.core.next_test import next_best_tests
from desktop_app.core.observations import Observations
from desktop_app.core.probability import format_probability
from desktop_app.core.ranking import LEADING, condition_row, ranked
from desktop_app.core.rule_state import RuleState, rule_state
from desktop_app.core.safety import URGENCY_ORDER, alerts, must_exclude
from desktop_app.core.scoring import Score, blank_scores, prior_for, scores
from desktop_app.core.visibility import visible

__all__ = [
    "LEADING",
    "URGENCY_ORDER",
    "AppliedFinding",
    "ConditionResult",
    "Differential",
    "MustExclude",
    "NextTest",
    "RedFlagAlert",
    "SafetyNet",
    "Screening",
    "assess",
    "format_probability",
    "prior_for",
    "visible",
]


def assess(kb: KnowledgeBase, obs: Observations) -> Differential:
    """Rank every condition, raise red flags and suggest the next best tests. Deterministic.

    Incremental (core.memo): compared with the previous assessment of the same presentations
    (or with the blank record, worked out once per knowledge base), only the conditions and
    rules that read a changed item are evaluated again."""
    obs = visible(kb, obs)
    mem = store(kb)
    before: _Before | None = mem.previous
    if before is None or before.obs.presentations != obs.presentations:
        before = _blank(kb, obs.presentations)
    changed = changed_items(before.obs, obs)
    scored = scores(kb, obs, before.scores, changed)
    rules = rule_state(kb, obs, before.rules, changed)
    now = snapshot(obs)
    mem.previous = _Before(now, scored, rules)
    carry = (before.obs, changed, now)
    raw = {cid: s.posterior for cid, s in scored.items()}
    excluded = must_exclude(kb, rules.fired, raw)
    rows = {
        cid: mem.derived(("row", cid), s, partial(condition_row, s)) for cid, s in scored.items()
    }
    ordered, lead = ranked(scored, excluded, rows, kept=mem.groups)
    return Differential(
        kb.version,
        ordered,
        alerts(rules.fired),
        next_best_tests(kb, obs, scored, set(rules.fired_ids), lead, carry=carry),
        excluded,
        rules.screening,
        rules.safety_net,
        lead,
    )


class _Before(NamedTuple):
    """An assessed record (a copy its caller's later edits cannot reach) and what it gave."""

    obs: Observations
    scores: dict[str, Score]
    rules: RuleState


def _blank(kb: KnowledgeBase, presentations: tuple[str, ...]) -> _Before:
    static = store(kb).static
    key = ("blank", presentations)
    found: _Before | None = static.get(key)
    if found is None:
        blank = Observations(presentations)
        found = _Before(blank, blank_scores(kb, blank), rule_state(kb, blank, None, None))
        static[key] = found
    return found
