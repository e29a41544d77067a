"""The explained differential: post-test probabilities from likelihood ratios, safety first.

Scoring (core.scoring): each condition's prior for the visit's presentation, adjusted by its prior
modifiers, times the LR of every recorded finding; unknown findings change nothing; a correlated
group counts one member. Conditions are not mutually exclusive, so each probability stands alone;
they are not normalised. What is displayed is held within the limits of core.probability.

Order of `Differential.conditions` (flat, ready for display):
1. Must exclude now: the conditions of every fired urgent or emergency rule (emergencies first),
   above the probabilistic ranking, so the list, the banner and the next best test agree.
2. Then the groups the record points to: those with at least one supporting finding (a recorded
   finding with LR > 1 for the condition or one of its children), by probability, highest first.
3. Last, the groups with no supporting finding ("no specific findings yet"), by probability.
   Probabilities are not normalised, so evidence for one condition never lowers another: without
   this tier a common condition that nothing in the record favours would lead on its prior alone
   over a condition the findings point to. Its probability is still shown as computed.
Name, then ID, break ties.
Nesting: a child (condition with `parent`) is never ranked on its own; it follows its parent,
children ordered the same way (a must-exclude child first). A group containing a must-exclude
child is placed in the must-exclude tier as a whole.

Group probability rule: a parent row carries max(parent's own posterior, best child's posterior).
A child is a subtype of its parent, so the parent can never be less probable than any child; the
maximum is used rather than a combination of the children (noisy-OR) because children share
most of their findings with each other and with the parent, and combining them would count that
evidence twice.
"""

from __future__ import annotations

from dataclasses import replace

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
from desktop_app.core.next_test import LEADING, next_best_tests
from desktop_app.core.observations import Observations
from desktop_app.core.probability import displayed, format_probability
from desktop_app.core.safety import (
    URGENCY_ORDER,
    alerts,
    fired_flags,
    must_exclude,
    safety_net,
    screening,
)
from desktop_app.core.scoring import Score, prior_for, score
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
    scores = {c.id: score(c, obs) for c in kb.conditions.values()}
    raw = {cid: s.posterior for cid, s in scores.items()}
    fired = fired_flags(kb, obs)
    fired_ids = {f.id for f in fired}
    excluded = must_exclude(kb, fired, raw)
    return Differential(
        kb.version,
        ordered_rows(kb, scores, raw, excluded),
        alerts(fired),
        next_best_tests(kb, obs, scores, fired_ids),
        excluded,
        screening(kb, obs, fired_ids),
        safety_net(kb, obs, fired_ids),
    )


def _row(s: Score, raw: float) -> ConditionResult:
    found = [
        AppliedFinding(link.label, truth, lr, link.source, link.estimate)
        for link, truth, lr in s.applied
    ]
    supporting = tuple(sorted((f for f in found if f.lr > 1), key=lambda f: (-f.lr, f.label)))
    c = s.condition
    return ConditionResult(
        condition_id=c.id,
        name=c.name,
        urgency=c.urgency,
        prior=s.prior,
        posterior=displayed(raw, s.prior),
        supporting=supporting,
        opposing=tuple(sorted((f for f in found if f.lr < 1), key=lambda f: (f.lr, f.label))),
        parent=c.parent,
        specific=bool(supporting),
        raw_posterior=raw,
        base_prior=s.base_prior,
    )


def _with_group(parent: ConditionResult, children: list[ConditionResult]) -> ConditionResult:
    """The parent row carrying its group's probability (module docstring)."""
    if not children:
        return parent
    group_raw = max([parent.raw_posterior, *(c.raw_posterior for c in children)])
    shown = max([displayed(group_raw, parent.prior), *(c.posterior for c in children)])
    return replace(
        parent,
        posterior=shown,
        raw_posterior=group_raw,
        specific=parent.specific or any(c.specific for c in children),
    )


def ordered_rows(
    kb: KnowledgeBase,
    scores: dict[str, Score],
    raw: dict[str, float],
    excluded: tuple[MustExclude, ...],
) -> tuple[ConditionResult, ...]:
    """Must-exclude groups first (in `excluded` order), then specific groups, then the rest, each
    by probability (module docstring)."""
    rank = {m.condition_id: n for n, m in enumerate(excluded)}
    rows = {cid: _row(s, raw[cid]) for cid, s in scores.items()}
    children: dict[str, list[ConditionResult]] = {}
    for row in rows.values():
        if row.parent is not None:
            children.setdefault(row.parent, []).append(row)

    def key(row: ConditionResult) -> tuple[int, float, str, str]:
        if row.condition_id in rank:
            return (0, rank[row.condition_id], "", "")
        return (1 if row.specific else 2, -row.raw_posterior, row.name, row.condition_id)

    groups = []
    for row in rows.values():
        if row.parent is not None:
            continue
        kids = sorted(children.get(row.condition_id, []), key=key)
        lead = min([key(row), *(key(k) for k in kids)])
        parent = _with_group(row, kids)
        groups.append((lead if lead[0] == 0 else key(parent), parent, kids))
    groups.sort(key=lambda g: g[0])
    return tuple(r for _, parent, kids in groups for r in (parent, *kids))
