"""A straightforward assessment and next best test, for comparison with the incremental engine.

The same rules as core.next_test (its module docstring), computed the plain way: every
condition is scored afresh with `score` under each hypothetical result, and every red-flag rule
is evaluated whole on a copy of the observations with that result recorded. `reference_assess`
is core.diagnosis.assess with nothing remembered: every condition scored, every rule evaluated,
screening and safety-net advice worked out from the whole record (the engine's code before it
kept them from one assessment to the next, core.rule_state).
"""

from __future__ import annotations

import math
from dataclasses import replace

from desktop_app.core.differential import Differential, NextTest, SafetyNet, Screening
from desktop_app.core.knowledge import KnowledgeBase, RedFlag
from desktop_app.core.next_test import (
    Candidate,
    candidates,
    outcomes,
)
from desktop_app.core.observations import NO_SIDE, Observations
from desktop_app.core.predicates import positive_leaves
from desktop_app.core.probability import probability
from desktop_app.core.ranking import ranked
from desktop_app.core.safety import (
    MUST_EXCLUDE_URGENCIES,
    URGENCY_ORDER,
    alerts,
    fired_flags,
    must_exclude,
    recorded,
)
from desktop_app.core.scoring import Score, score
from desktop_app.core.visibility import is_shown, visible


def reference_assess(kb: KnowledgeBase, obs: Observations) -> Differential:
    obs = visible(kb, obs)
    scored = {c.id: score(c, obs) for c in kb.conditions.values()}
    fired = fired_flags(kb, obs)
    fired_ids = {f.id for f in fired}
    excluded = must_exclude(kb, fired, {cid: s.posterior for cid, s in scored.items()})
    ordered, lead = ranked(scored, excluded)
    return Differential(
        kb.version,
        ordered,
        alerts(fired),
        reference_next_best_tests(kb, obs, scored, fired_ids, lead),
        excluded,
        screening(kb, obs, fired_ids),
        safety_net(kb, obs, fired_ids),
        lead,
    )


def reference_next_best_tests(
    kb: KnowledgeBase,
    obs: Observations,
    scores: dict[str, Score],
    fired_ids: set[str],
    leaders: tuple[str, ...],
    limit: int = 3,
) -> tuple[NextTest, ...]:
    cands = candidates(kb, obs)
    safety = _safety_tests(kb, obs, scores, fired_ids, cands)
    taken = {(t.kind, t.item_id) for t in safety}
    rest = [c for c in cands if c[:2] not in taken]
    rest = _expected_change(kb, obs, scores, leaders, rest, limit)
    return tuple(safety[:limit] + rest)


def _hypothetical(kb: KnowledgeBase, obs: Observations, kind: str, item_id: str, value: object):
    if kind == "answer":
        return obs.with_answer(item_id, value)
    side = "left" if kb.exam_items[item_id].sided else NO_SIDE
    return obs.with_exam(item_id, side, value)


def _plausible(flag: RedFlag, obs: Observations, scores: dict[str, Score]) -> bool:
    for cid in flag.conditions:
        s = scores[cid]
        if s.posterior > s.base_prior * (1 + 1e-9):
            return True
    if flag.safety_net_when is not None and flag.safety_net_when.evaluate(obs) is True:
        return True
    return any(leaf.evaluate(obs) is True for leaf in positive_leaves(flag.when))


def _safety_tests(
    kb: KnowledgeBase,
    obs: Observations,
    scores: dict[str, Score],
    fired_ids: set[str],
    cands: list[Candidate],
) -> list[NextTest]:
    order = {(kind, item_id): n for n, (kind, item_id, _) in enumerate(cands)}
    names = {(kind, item_id): name for kind, item_id, name in cands}
    best: dict[tuple[str, str], tuple[tuple[int, float, int], RedFlag, str]] = {}
    for flag in kb.red_flags.values():
        if (
            flag.urgency not in MUST_EXCLUDE_URGENCIES
            or flag.id in fired_ids
            or flag.when.evaluate(obs) is not None
            or not _plausible(flag, obs, scores)
        ):
            continue
        likelihood = max((scores[c].posterior for c in flag.conditions), default=0.0)
        for ref in dict.fromkeys(flag.when.references()):
            if ref not in order:
                continue
            for value, label in outcomes(kb, *ref):
                if flag.when.evaluate(_hypothetical(kb, obs, *ref, value)) is True:
                    key = (URGENCY_ORDER[flag.urgency], -likelihood, order[ref])
                    if ref not in best or key < best[ref][0]:
                        best[ref] = (key, flag, label)
                    break
    found = []
    for (kind, item_id), (key, flag, label) in best.items():
        reason = f"if {label}: '{flag.name}' ({flag.urgency}) applies — {flag.action}"
        test = NextTest(kind, item_id, names[kind, item_id], -key[1], reason, safety=True)
        found.append((key, flag.id, test))
    found.sort(key=lambda row: row[0])
    seen: set[str] = set()
    firsts: list[NextTest] = []
    others: list[NextTest] = []
    for _, flag_id, test in found:
        (others if flag_id in seen else firsts).append(test)
        seen.add(flag_id)
    return firsts + others


def _expected_change(
    kb: KnowledgeBase,
    obs: Observations,
    scores: dict[str, Score],
    leaders: tuple[str, ...],
    cands: list[Candidate],
    limit: int,
) -> list[NextTest]:
    base = {cid: scores[cid].log_odds for cid in leaders}
    p = {cid: probability(lo) for cid, lo in base.items()}
    scale = max(1.0, sum(p.values()))
    weight = {cid: v / scale for cid, v in p.items()}
    none_weight = 1 - sum(weight.values())
    scored = []
    for kind, item_id, name in cands:
        ref = (kind, item_id)
        touched = sorted(c for c in base if c in kb.conditions_by_item.get(ref, frozenset()))
        results = outcomes(kb, kind, item_id) if touched else []
        if len(results) < 2:
            continue
        moves = []
        for value, label in results:
            hypo = _hypothetical(kb, obs, kind, item_id, value)
            delta = {c: score(kb.conditions[c], hypo).log_odds - base[c] for c in touched}
            moves.append((label, delta))
        chance = [none_weight * (1 / len(moves))] * len(moves)
        for c, w in weight.items():
            lrs = [math.exp(delta.get(c, 0.0)) for _, delta in moves]
            total = sum(lrs)
            for n, lr in enumerate(lrs):
                chance[n] += w * lr / total
        expected = sum(
            q * sum(abs(probability(base[c] + d) - p[c]) for c, d in delta.items())
            for q, (_, delta) in zip(chance, moves, strict=True)
        )
        if expected > 1e-9:
            scored.append((NextTest(kind, item_id, name, expected, ""), moves))
    scored.sort(key=lambda pair: (-pair[0].score, pair[0].item_id))
    return [replace(t, reason=_reason(kb, t.score, moves)) for t, moves in scored[:limit]]


def _reason(kb: KnowledgeBase, expected: float, moves: list) -> str:
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


def _askable(kb: KnowledgeBase, obs: Observations) -> set[str]:
    """IDs the visit can ask: its presentations' prompts (when shown) and exam items."""
    presentations = obs.presentations or tuple(kb.presentations)
    ids = {p.id for p in kb.prompts_for(presentations) if is_shown(kb, p.id, obs)}
    return ids | {i.id for i in kb.exam_items_for(presentations)}


def screening(kb: KnowledgeBase, obs: Observations, fired_ids: set[str]) -> tuple[Screening, ...]:
    """Each rule with a `screen`: fired, negative (every askable screen item recorded), or
    incomplete with the unrecorded ones. Items the visit cannot ask (another presentation's, or
    hidden by show-when) are not required; a rule with none askable is left out."""
    askable = _askable(kb, obs)
    rows = []
    for flag in kb.red_flags.values():
        required = [sid for sid in flag.screen if sid in askable]
        if not flag.screen or (not required and flag.id not in fired_ids):
            continue
        missing = tuple(sid for sid in required if not recorded(obs, sid))
        status = "fired" if flag.id in fired_ids else "incomplete" if missing else "negative"
        rows.append(Screening(flag.id, flag.name, status, missing))
    rows.sort(key=lambda s: (URGENCY_ORDER[kb.red_flags[s.flag_id].urgency], s.name))
    return tuple(rows)


def safety_net(kb: KnowledgeBase, obs: Observations, fired_ids: set[str]) -> tuple[SafetyNet, ...]:
    """Advice of every rule that fired or whose `safety_net_when` is true, most urgent first."""
    rows = [
        f
        for f in kb.red_flags.values()
        if f.safety_net
        and (
            f.id in fired_ids
            or (f.safety_net_when is not None and f.safety_net_when.evaluate(obs) is True)
        )
    ]
    rows.sort(key=lambda f: (URGENCY_ORDER[f.urgency], f.name, f.id))
    return tuple(SafetyNet(f.id, f.safety_net) for f in rows)
