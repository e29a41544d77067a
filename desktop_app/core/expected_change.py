"""The expected-change part of the next best test: the item whose result moves the leaders most.

For every unrecorded item that reads one of the leaders (the conditions that lead the
differential as displayed, one per leading group: core.ranking), each possible result is
simulated, re-scoring only the conditions the item touches (`kb.conditions_by_item`). A result's
predicted probability is a mixture over the leaders and "none of them", weighted by their
probabilities: without a leader every result is equally likely (no base rates are recorded);
under a leader each result's chance is that base rate times the LR the leader gives it,
normalised. The score is the expected sum, over the results, of the absolute probability changes
across the leaders (not the best case).

Incremental: a simulated result re-evaluates only what reads the item: a link that reads nothing
else has its truth under each result worked out once per knowledge base, a composite link
evaluates again only its parts that read the item (Predicate.changed), and a condition's log odds
are summed over its recorded links and the changed ones (scoring.changed_log_odds). A
condition's moves are reused while its Score object is the same (core.memo).
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import partial

from desktop_app.core.differential import NextTest
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.memo import store
from desktop_app.core.observations import Observations
from desktop_app.core.predicates import Truth
from desktop_app.core.probability import probability
from desktop_app.core.scoring import Score, changed_log_odds, context_shift
from desktop_app.core.simulation import Candidate, Ref, alone, hypothetical, results_of


def expected_change_tests(
    kb: KnowledgeBase,
    obs: Observations,
    scores: dict[str, Score],
    leaders: tuple[str, ...],
    cands: list[Candidate],
    limit: int = 3,
) -> list[NextTest]:
    base = {cid: scores[cid].log_odds for cid in leaders}
    p = {cid: probability(lo) for cid, lo in base.items()}
    scale = max(1.0, sum(p.values()))  # conditions are not exclusive: keep weights within 1
    weight = {cid: v / scale for cid, v in p.items()}
    none_weight = 1 - sum(weight.values())
    scored: list[tuple[NextTest, list[tuple[str, dict[str, float]]]]] = []
    leading = set(base)
    mem = store(kb)  # a condition's moves are reused while its Score is (core.memo)
    for kind, item_id, name in cands:
        ref = (kind, item_id)
        if leading.isdisjoint(kb.conditions_by_item.get(ref, ())):
            continue  # the item moves none of the leaders
        plans = _plans(kb, ref)
        touched = sorted(c for c in plans if c in leading)
        results = results_of(kb, kind, item_id)
        if len(results) < 2:
            continue
        hypos: list[Observations] = []
        by_condition = {
            c: mem.derived(
                ("moves", c, ref),
                scores[c],
                partial(_moves, kb, obs, scores[c], ref, plans[c], hypos),
            )
            for c in touched
        }
        moves = [
            (label, {c: by_condition[c][n] for c in touched})
            for n, (_, label) in enumerate(results)
        ]
        chance = _predicted(moves, weight, none_weight)
        expected = sum(
            q * sum(abs(probability(base[c] + d) - p[c]) for c, d in delta.items())
            for q, (_, delta) in zip(chance, moves, strict=True)
        )
        if expected <= 1e-9:
            continue
        scored.append((NextTest(kind, item_id, name, expected, ""), moves))
    scored.sort(key=lambda pair: (-pair[0].score, pair[0].item_id))
    return [replace(t, reason=_reason(kb, t.score, moves)) for t, moves in scored[:limit]]


# How one result of an item changes one condition: each link that reads only the item has its
# truth under every result worked out once per knowledge base (a predicate sees nothing but the
# items it reads); the other links that read it are evaluated again in their parts that read it
# (Predicate.changed), and the prior modifiers, when one reads it, on the hypothetical record.
Plan = tuple[dict[int, tuple[Truth, ...]], tuple[int, ...], bool]  # own links, shared, context


def _plans(kb: KnowledgeBase, ref: Ref) -> dict[str, Plan]:
    """The plan of every condition whose links or prior modifiers read `ref`."""
    static = store(kb).static
    key = ("plans", ref)
    found: dict[str, Plan] | None = static.get(key)
    if found is None:
        links: dict[str, list[int]] = {}
        for cid, n in kb.links_by_item.get(ref, ()):
            links.setdefault(cid, []).append(n)
        context = kb.modifiers_by_item.get(ref, frozenset())
        records = alone(kb, ref)
        found = {}
        for cid in sorted(set(links) | context):
            own: dict[int, tuple[Truth, ...]] = {}
            shared: list[int] = []
            for n in links.get(cid, ()):
                when = kb.conditions[cid].links[n].when
                if set(when.references()) == {ref} and not any(True for _ in when.marks()):
                    own[n] = tuple(when.evaluate(o) for o in records)
                else:
                    shared.append(n)
            found[cid] = (own, tuple(shared), cid in context)
        static[key] = found
    return found


def _moves(
    kb: KnowledgeBase,
    obs: Observations,
    s: Score,
    ref: Ref,
    plan: Plan,
    hypos: list[Observations],
) -> tuple[float, ...]:
    """The change in one condition's log odds under each result of `ref`. `hypos` shares the
    hypothetical records (needed for prior modifiers only) between the conditions of one item."""
    own, shared, context = plan
    results = results_of(kb, *ref)
    if context and not hypos:
        hypos += [hypothetical(kb, obs, *ref, value) for value, _ in results]
    condition = s.condition
    records = alone(kb, ref)
    known: dict[int, Truth] = {}
    by_change: dict[tuple[tuple[Truth, ...], float], float] = {}  # results that change alike
    found = []
    for k in range(len(results)):
        changes = {n: truths[k] for n, truths in own.items()}
        for n in shared:
            changes[n] = condition.links[n].when.changed(obs, ref, records[k], known)
        shift = context_shift(condition, hypos[k]) if context else s.context_shift
        key = (tuple(changes.values()), shift)
        move = by_change.get(key)
        if move is None:
            move = by_change[key] = changed_log_odds(s, changes, shift) - s.log_odds
        found.append(move)
    return tuple(found)


def _predicted(
    moves: list[tuple[str, dict[str, float]]], weight: dict[str, float], none_weight: float
) -> list[float]:
    """Each result's predicted probability (module docstring): a mixture over the hypotheses.

    Without any leader ("none"), every result is equally likely; under leader c, a result's
    chance is that base rate times the LR c gives it, normalised over the results.
    """
    base = 1 / len(moves)
    chance = [none_weight * base] * len(moves)
    for c, w in weight.items():
        lrs = [math.exp(delta.get(c, 0.0)) for _, delta in moves]
        total = sum(lrs)
        for n, lr in enumerate(lrs):
            chance[n] += w * lr / total
    return chance


def _reason(kb: KnowledgeBase, expected: float, moves: list[tuple[str, dict[str, float]]]) -> str:
    parts = [f"expected change {expected * 100:.0f} percentage points across the leaders"]
    for label, by_condition in moves:
        moved = [
            f"{kb.conditions[cid].name} ×{math.exp(d):.2g}"
            for cid, d in by_condition.items()
            if abs(d) > 1e-9
        ]
        if moved:
            parts.append(f"if {label}: " + ", ".join(moved))
    return "; ".join(parts)
