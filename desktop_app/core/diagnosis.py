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
from desktop_app.core.memo import store
from desktop_app.core.next_test import next_best_tests
from desktop_app.core.observations import Observations
from desktop_app.core.probability import format_probability
from desktop_app.core.ranking import LEADING, condition_row, ranked
from desktop_app.core.safety import (
    URGENCY_ORDER,
    alerts,
    fired_flags,
    must_exclude,
    safety_net,
    screening,
)
from desktop_app.core.scoring import prior_for, scores
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
    """Rank every condition, raise red flags and suggest the next best tests. Deterministic."""
    obs = visible(kb, obs)
    scored = scores(kb, obs)
    raw = {cid: s.posterior for cid, s in scored.items()}
    fired = fired_flags(kb, obs)
    fired_ids = {f.id for f in fired}
    excluded = must_exclude(kb, fired, raw)
    mem = store(kb)
    rows = {
        cid: mem.derived(("row", cid), s, partial(condition_row, s)) for cid, s in scored.items()
    }
    ordered, lead = ranked(scored, excluded, rows)
    return Differential(
        kb.version,
        ordered,
        alerts(fired),
        next_best_tests(kb, obs, scored, fired_ids, lead),
        excluded,
        screening(kb, obs, fired_ids),
        safety_net(kb, obs, fired_ids),
        lead,
    )
