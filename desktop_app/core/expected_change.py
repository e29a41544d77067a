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
    by_name = sorted(base)
    mem = store(kb)  # a condition's effects are reused while its Score is (core.memo)
    static = mem.static
    bounded: list[tuple[float, int, tuple[str, str, str, tuple[str, ...], list[Effect], int]]] = []
    for kind, item_id, name in cands:
        ref = (kind, item_id)
        item = static.get(("item", ref)) or _item(kb, ref)
        plans, k = item
        touched = tuple(c for c in by_name if c in plans)
        if not touched or k < 2:
            continue  # the item moves none of the leaders, or has one result
        hypos: list[Observations] = []
        effects: list[Effect] = []
        for c in touched:
            s = scores[c]
            found = mem.derived_of(("effect", c, ref), s)
            if found is None:
                found = _effect(s, _moves(kb, obs, s, ref, plans[c], hypos))
                mem.keep_derived(("effect", c, ref), s, found)
            effects.append(found)
        # the chances of the results sum to 1, so the expected change is at most the sum of
        # each leader's largest change (with room for rounding)
        bound = sum(effect[4] for effect in effects) * (1 + 1e-9)
        bounded.append((-bound, len(bounded), (item_id, kind, name, touched, effects, k)))
    bounded.sort()
    scored: list[tuple[float, str, str, str, tuple[str, ...], list[Effect]]] = []
    best: list[float] = []  # the `limit` largest expected changes so far, largest first
    for neg_bound, _, (item_id, kind, name, touched, effects, k) in bounded:
        if limit > 0 and len(best) >= limit and -neg_bound < best[limit - 1]:
            break  # neither this item nor any after it can reach the first `limit`
        expected = _expected(touched, effects, weight, none_weight, k)
        if expected > 1e-9:
            scored.append((-expected, item_id, kind, name, touched, effects))
            best.append(expected)
            best.sort(reverse=True)
            del best[limit:]
    scored.sort(key=lambda row: (row[0], row[1]))
    found_tests = []
    for neg, item_id, kind, name, touched, effects in scored[:limit]:
        moves = [
            (label, {c: effect[0][n] for c, effect in zip(touched, effects, strict=True)})
            for n, (_, label) in enumerate(results_of(kb, kind, item_id))
        ]
        found_tests.append(NextTest(kind, item_id, name, -neg, _reason(kb, -neg, moves)))
    return found_tests


# One condition's effect under the results of one item: its log-odds move under each result,
# the likelihood ratio that is (exp), their sum, the probability changes and the largest of them,
# from its Score alone.
Effect = tuple[tuple[float, ...], tuple[float, ...], float, tuple[float, ...], float]


def _effect(s: Score, moves: tuple[float, ...]) -> Effect:
    lrs = tuple(math.exp(d) for d in moves)
    now = probability(s.log_odds)
    changes = tuple(abs(probability(s.log_odds + d) - now) for d in moves)
    return moves, lrs, sum(lrs), changes, max(changes)


def _expected(
    touched: tuple[str, ...],
    effects: list[Effect],
    weight: dict[str, float],
    none_weight: float,
    k: int,
) -> float:
    """The expected sum of the leaders' probability changes over the item's k results, each
    result weighted by its predicted probability: a mixture over the leaders and "none of them".
    Without a leader every result is equally likely; under leader c a result's chance is that
    base rate times the LR c gives it, normalised over the results (an untouched leader gives
    every result LR 1). The arithmetic, in its order, is the plain computation's to the bit."""
    chance = [none_weight * (1 / k)] * k
    own = dict(zip(touched, effects, strict=True))
    for c, w in weight.items():
        effect = own.get(c)
        if effect is None:
            total = float(k)  # sum of k ones
            for n in range(k):
                chance[n] += w * 1.0 / total
        else:
            lrs, total = effect[1], effect[2]
            for n in range(k):
                chance[n] += w * lrs[n] / total
    return sum(q * sum(effect[3][n] for effect in effects) for n, q in enumerate(chance))


# How one result of an item changes one condition: each link that reads only the item has its
# truth under every result worked out once per knowledge base (a predicate sees nothing but the
# items it reads); the other links that read it are evaluated again in their parts that read it
# (Predicate.changed), and the prior modifiers, when one reads it, on the hypothetical record.
Plan = tuple[dict[int, tuple[Truth, ...]], tuple[int, ...], bool]  # own links, shared, context


def _item(kb: KnowledgeBase, ref: Ref) -> tuple[dict[str, Plan], int]:
    """The plans of the item's conditions and its number of results (static)."""
    found = store(kb).static[("item", ref)] = (_plans(kb, ref), len(results_of(kb, *ref)))
    return found


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
