"""One condition's post-test odds: context-adjusted prior times the LRs of its recorded findings.

- Prior: the condition's prior for the visit's presentation (the highest when a visit records
  several), its odds multiplied by the odds ratio of every prior modifier whose `when` is True
  (age band, sex, pain site). A modifier that is False or unknown changes nothing.
- Findings: LR+ when a link's condition is true, LR- when false; unknown changes nothing.
- Correlated groups (links sharing a `group`): multiplying correlated LRs overstates the
  evidence, so one member counts. If any member is recorded positive (its applied LR > 1) the
  strongest positive counts, else the strongest negative: a combined test's negative never
  cancels its own positive component (a negative FABER does not undo a positive palpation).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from desktop_app.core.knowledge import Condition, KnowledgeBase, Link
from desktop_app.core.memo import Ref, store
from desktop_app.core.observations import Observations
from desktop_app.core.predicates import Truth
from desktop_app.core.probability import log_odds, probability


@dataclass(frozen=True)
class Score:
    condition: Condition
    base_prior: float  # the presentation's prior
    prior: float  # after prior modifiers
    log_odds: float  # post-test
    applied: tuple[tuple[Link, bool, float], ...]  # (link, recorded true?, LR applied)
    posterior: float  # raw (uncapped); exactly the prior when nothing changed it
    truths: tuple[Truth, ...] = ()  # each link's truth, so one changed item re-scores its links
    context_shift: float = 0.0  # log odds ratio of the true prior modifiers
    known: tuple[int, ...] = ()  # the links with a truth (not unknown), ascending


def prior_for(condition: Condition, presentations: tuple[str, ...]) -> float:
    """The condition's pre-test probability: the highest among the visit's presentations."""
    chosen = [condition.priors[p].value for p in presentations if p in condition.priors]
    return max(chosen) if chosen else max(f.value for f in condition.priors.values())


def context_shift(condition: Condition, obs: Observations) -> float:
    """Log odds ratio of every prior modifier whose context is recorded as true."""
    return sum(
        math.log(m.odds_ratio) for m in condition.prior_modifiers if m.when.evaluate(obs) is True
    )


def _combine(
    links: tuple[Link, ...], truths: Sequence[Truth], indices: Iterable[int]
) -> list[tuple[Link, bool, float]]:
    """The applied links among `indices` (ascending; those left out must be unknown)."""
    chosen: dict[object, tuple[Link, bool, float]] = {}
    for n in indices:
        truth = truths[n]
        if truth is None:
            continue
        link = links[n]
        lr = link.lr_pos if truth else link.lr_neg
        if lr == 1.0:
            continue
        key = link.group if link.group is not None else n
        current = chosen.get(key)
        if current is None or _stronger(lr, current[2]):
            chosen[key] = (link, truth, lr)
    return list(chosen.values())


def _stronger(lr: float, current: float) -> bool:
    """Positives beat negatives; within a sign, the LR further from 1 wins (first on a tie)."""
    if (lr > 1) != (current > 1):
        return lr > 1
    return abs(math.log(lr)) > abs(math.log(current))


def score(condition: Condition, obs: Observations) -> Score:
    base = prior_for(condition, obs.presentations)
    shift = context_shift(condition, obs)
    prior_lo = log_odds(base) + shift
    truths = tuple(link.when.evaluate(obs) for link in condition.links)
    known = tuple(n for n, truth in enumerate(truths) if truth is not None)
    applied = _combine(condition.links, truths, known)
    total = prior_lo + sum(math.log(lr) for _, _, lr in applied)
    prior = probability(prior_lo) if shift else base
    posterior = probability(total) if applied else prior
    return Score(condition, base, prior, total, tuple(applied), posterior, truths, shift, known)


def scores(
    kb: KnowledgeBase, obs: Observations, old: dict[str, Score], changed: set[Ref] | None
) -> dict[str, Score]:
    """`score` of every condition: only those that read an item in `changed` (recorded
    differently from the record that gave `old`; None: anything may differ) are scored again,
    the others keep their Score object."""
    if changed is None:
        return {c.id: score(c, obs) for c in kb.conditions.values()}
    by_item = kb.conditions_by_item
    redo = {cid for ref in changed for cid in by_item.get(ref, ())}
    return {c.id: score(c, obs) if c.id in redo else old[c.id] for c in kb.conditions.values()}


def blank_scores(kb: KnowledgeBase, blank: Observations) -> dict[str, Score]:
    """The scores of a record with nothing recorded (once per knowledge base and presentations,
    by core.diagnosis): what is derived from them lasts as long as the knowledge base."""
    found = {c.id: score(c, blank) for c in kb.conditions.values()}
    store(kb).last(found.values())
    return found


def changed_log_odds(s: Score, changes: Mapping[int, Truth], shift: float) -> float:
    """Post-test log odds with some links' truths replaced and the prior modifiers' log odds
    ratio `shift`: the same sum `score` makes, over the known and the changed links only."""
    truths = list(s.truths)
    for n, truth in changes.items():
        truths[n] = truth
    indices = sorted({*s.known, *changes})
    applied = _combine(s.condition.links, truths, indices)
    return log_odds(s.base_prior) + shift + sum(math.log(lr) for _, _, lr in applied)
