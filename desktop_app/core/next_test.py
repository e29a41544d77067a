"""The next best test: safety first, then the largest expected change in the leading candidates.

1. Safety. An unrecorded item (any answer type) is proposed first, with ``safety=True``, when one
   of its possible results would make an urgent or emergency rule fire, and that rule is
   *plausible*: it has not fired, is not already excluded (its condition is unknown, not false),
   and at least one of these holds:
   - a condition it names has a raw posterior above its presentation prior (the recorded findings
     or context raised it) or of at least PLAUSIBLE_FLOOR;
   - its `safety_net_when` is true (the knowledge base marks this patient as at risk);
   - part of the rule is already met (an atom not under `not` is true: recent surgery recorded,
     the pain and deficit not yet asked).
   More urgent rules first, then the more probable condition, then knowledge-base order; the
   first item of each rule comes before a second item of any rule.
2. Expected change. For every other unrecorded item that reads one of the leaders (the
   conditions that lead the differential as displayed, one per leading group: core.ranking),
   each possible result is simulated, re-scoring only the conditions the item
   touches (`kb.conditions_by_item`). A result's predicted probability is a mixture over the
   leaders and "none of them", weighted by their probabilities: without a leader every result is
   equally likely (no base rates are recorded); under a leader each result's chance is that base
   rate times the LR the leader gives it, normalised. The score is the expected sum, over the
   results, of the absolute probability changes across the leaders (not the best case).

Incremental: a rule's simulations are remembered under exactly the recorded values they read
(core.memo), so after one more answer only the rules that read it are simulated again. A
simulated result re-evaluates only what reads the item: a link that reads nothing else has its
truth under each result worked out once per knowledge base, a composite rule or link evaluates
again only its parts that read the item (Predicate.changed), and a condition's log odds are
summed over its recorded links and the changed ones (scoring.changed_log_odds).
tests/core/test_next_test_incremental.py holds the results equal to a plain re-scoring of
everything.

Possible results: yes/no; each option of a choice; left/right/both; positive/negative; for numbers
(temperature, hours, MRC grade) one value per band between the thresholds any rule, link or
modifier compares it with. Dates and free text are never proposed.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import partial
from typing import Any

from desktop_app.core.differential import NextTest
from desktop_app.core.knowledge import KnowledgeBase, RedFlag
from desktop_app.core.memo import project, reads, store
from desktop_app.core.observations import NO_SIDE, Observations
from desktop_app.core.predicates import Truth, positive_leaves
from desktop_app.core.probability import probability
from desktop_app.core.safety import MUST_EXCLUDE_URGENCIES, URGENCY_ORDER
from desktop_app.core.scoring import Score, changed_log_odds, context_shift
from desktop_app.core.visibility import is_shown

# A dangerous condition at 5 % or more deserves its screen even when nothing recorded raised it
# (estimate: well above the < 1 % base rate of serious pathology in primary-care back pain).
PLAUSIBLE_FLOOR = 0.05
UNPROPOSED_TYPES = ("date", "text")

Candidate = tuple[str, str, str]  # kind, id, name
Ref = tuple[str, str]  # kind, id
Outcome = tuple[Any, str]  # value, label


def candidates(kb: KnowledgeBase, obs: Observations) -> list[Candidate]:
    """Unrecorded, shown prompts and untested exam items of the visit's presentations."""
    presentations = obs.presentations or tuple(kb.presentations)
    static = store(kb).static
    key = ("asked", presentations)
    asked = static.get(key)
    if asked is None:
        prompts = [
            p for p in kb.prompts_for(presentations) if p.answer_type not in UNPROPOSED_TYPES
        ]
        asked = static[key] = (prompts, kb.exam_items_for(presentations))
    found: list[Candidate] = [
        ("answer", prompt.id, prompt.question)
        for prompt in asked[0]
        if prompt.id not in obs.answers and is_shown(kb, prompt.id, obs)
    ]
    found += [("exam", item.id, item.name) for item in asked[1] if not obs.exam.get(item.id)]
    return found


def outcomes(kb: KnowledgeBase, kind: str, item_id: str) -> list[Outcome]:
    """The distinct results worth simulating for one item (see the module docstring)."""
    return list(_outcomes(kb, kind, item_id))


def _outcomes(kb: KnowledgeBase, kind: str, item_id: str) -> tuple[Outcome, ...]:
    static = store(kb).static
    key = ("outcomes", kind, item_id)
    found = static.get(key)
    if found is None:
        found = static[key] = tuple(_simulated(kb, kind, item_id))
    return found


def _simulated(kb: KnowledgeBase, kind: str, item_id: str) -> list[Outcome]:
    if kind == "exam":
        item = kb.exam_items[item_id]
        if item.result_type == "binary":
            return [("positive", "positive"), ("negative", "negative")]
        return _bands(kb.thresholds.get((kind, item_id), ()), item.minimum, item.unit)
    prompt = kb.prompts[item_id]
    kind_ = prompt.answer_type
    if kind_ == "yes_no":
        return [("yes", "yes"), ("no", "no")]
    if kind_ == "side":
        return [(s, s) for s in ("left", "right", "both")]
    if kind_ == "single_choice":
        return [(o.id, o.label) for o in prompt.options]
    if kind_ == "multiple_choice":
        return [((o.id,), o.label) for o in prompt.options]
    minimum = 0.0 if kind_ == "scale" else prompt.minimum
    return _bands(kb.thresholds.get(("answer", item_id), ()), minimum, prompt.unit)


def _bands(thresholds: tuple[float, ...], minimum: float | None, unit: str) -> list[Outcome]:
    """One value per band: below the first threshold, then from each threshold up."""
    if not thresholds:
        return []
    unit = f" {unit}" if unit else ""
    low = minimum if minimum is not None and minimum < thresholds[0] else thresholds[0] - 1
    bands: list[Outcome] = [(low, f"below {thresholds[0]:g}{unit}")]
    for n, t in enumerate(thresholds):
        upper = f" to below {thresholds[n + 1]:g}" if n + 1 < len(thresholds) else " or more"
        bands.append((t, f"{t:g}{upper}{unit}"))
    return bands


def hypothetical(
    kb: KnowledgeBase, obs: Observations, kind: str, item_id: str, value: Any
) -> Observations:
    """The record with one more result for an unrecorded item (an exam item on the left when
    sided); the other items' mappings are shared with `obs`, not copied."""
    if kind == "answer":
        return Observations(obs.presentations, {**obs.answers, item_id: value}, obs.exam, obs.marks)
    side = "left" if kb.exam_items[item_id].sided else NO_SIDE
    exam = {**obs.exam, item_id: {side: value}}
    return Observations(obs.presentations, obs.answers, exam, obs.marks)


def next_best_tests(
    kb: KnowledgeBase,
    obs: Observations,
    scores: dict[str, Score],
    fired_ids: set[str],
    leaders: tuple[str, ...],
    limit: int = 3,
) -> tuple[NextTest, ...]:
    """Up to `limit` safety tests, then up to `limit` by expected change across `leaders`
    (core.ranking.leaders); a display shows the first few, so safety always shows first."""
    cands = candidates(kb, obs)
    safety = safety_tests(kb, obs, scores, fired_ids, cands)
    taken = {(t.kind, t.item_id) for t in safety}
    rest = [c for c in cands if c[:2] not in taken]
    return tuple(safety[:limit] + expected_change_tests(kb, obs, scores, leaders, rest, limit))


def _plausible(flag: RedFlag, seen: list[Any], scores: dict[str, Score]) -> bool:
    for cid in flag.conditions:
        s = scores[cid]
        raw = s.posterior
        if raw > s.base_prior * (1 + 1e-9) or raw >= PLAUSIBLE_FLOOR:
            return True
    return bool(seen[1] or seen[2])  # safety_net_when true, or part of the rule already met


def _likelihood(flag: RedFlag, scores: dict[str, Score]) -> float:
    return max((scores[c].posterior for c in flag.conditions), default=0.0)


def _flag_state(
    kb: KnowledgeBase, obs: Observations, flag: RedFlag, refs: tuple[Ref, ...]
) -> list[Any]:
    """[rule true?, safety_net_when true?, a positive atom true?, triggers or None], remembered
    under the recorded values of every item the rule reads (core.memo)."""
    mem = store(kb)
    reads_key = ("flag reads", flag.id)
    read = mem.static.get(reads_key)
    if read is None:
        preds = [flag.when] + ([flag.safety_net_when] if flag.safety_net_when else [])
        read = mem.static[reads_key] = reads(preds)
    try:
        key: Any = ("flag", flag.id, refs, project(obs, *read))
    except TypeError:
        key = None
    found = mem.get(key) if key is not None else None
    if found is None:
        leaves_key = ("flag leaves", flag.id)
        leaves = mem.static.get(leaves_key)
        if leaves is None:
            leaves = mem.static[leaves_key] = positive_leaves(flag.when)
        net = flag.safety_net_when is not None and flag.safety_net_when.evaluate(obs) is True
        met = any(leaf.evaluate(obs) is True for leaf in leaves)
        found = [flag.when.evaluate(obs), net, met, None]
        if key is not None:
            mem.put(key, found)
    return found


def _triggers(
    kb: KnowledgeBase, obs: Observations, flag: RedFlag, refs: tuple[Ref, ...]
) -> tuple[tuple[Ref, str], ...]:
    """Each of `refs` with the first of its results that makes the rule true, if any."""
    found = []
    known: dict[int, Truth] = {}  # the truths of the rule's parts on `obs`
    for ref in refs:
        for (_, label), alone in zip(_outcomes(kb, *ref), _alone(kb, ref), strict=True):
            if flag.when.changed(obs, ref, alone, known) is True:
                found.append((ref, label))
                break
    return tuple(found)


def _alone(kb: KnowledgeBase, ref: Ref) -> tuple[Observations, ...]:
    """A record of only that result, for each result of `ref` (see Predicate.changed)."""
    static = store(kb).static
    key = ("alone", ref)
    found = static.get(key)
    if found is None:
        blank = Observations()
        results = _outcomes(kb, *ref)
        found = static[key] = tuple(hypothetical(kb, blank, *ref, v) for v, _ in results)
    return found


def safety_tests(
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
        if flag.urgency not in MUST_EXCLUDE_URGENCIES or flag.id in fired_ids:
            continue
        # only the items a plausible rule reads are simulated
        refs = tuple(ref for ref in _rule_refs(kb, flag) if ref in order)
        seen = _flag_state(kb, obs, flag, refs)
        if seen[0] is not None or not _plausible(flag, seen, scores):
            continue
        if seen[3] is None:
            seen[3] = _triggers(kb, obs, flag, refs)
        for ref, label in seen[3]:
            key = (URGENCY_ORDER[flag.urgency], -_likelihood(flag, scores), order[ref])
            if ref not in best or key < best[ref][0]:
                best[ref] = (key, flag, label)
    found: list[tuple[tuple[int, float, int], str, NextTest]] = []
    for (kind, item_id), (key, flag, label) in best.items():
        reason = f"if {label}: '{flag.name}' ({flag.urgency}) applies — {flag.action}"
        test = NextTest(kind, item_id, names[kind, item_id], -key[1], reason, safety=True)
        found.append((key, flag.id, test))
    found.sort(key=lambda row: row[0])
    # One item per rule first, so that one rule's many triggers do not crowd out another rule.
    seen_flags: set[str] = set()
    firsts: list[NextTest] = []
    others: list[NextTest] = []
    for _, flag_id, test in found:
        (others if flag_id in seen_flags else firsts).append(test)
        seen_flags.add(flag_id)
    return firsts + others


def _rule_refs(kb: KnowledgeBase, flag: RedFlag) -> tuple[Ref, ...]:
    static = store(kb).static
    key = ("rule refs", flag.id)
    found = static.get(key)
    if found is None:
        found = static[key] = tuple(dict.fromkeys(flag.when.references()))
    return found


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
        results = _outcomes(kb, kind, item_id)
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
        alone = _alone(kb, ref)
        found = {}
        for cid in sorted(set(links) | context):
            own: dict[int, tuple[Truth, ...]] = {}
            shared: list[int] = []
            for n in links.get(cid, ()):
                when = kb.conditions[cid].links[n].when
                if set(when.references()) == {ref} and not any(True for _ in when.marks()):
                    own[n] = tuple(when.evaluate(o) for o in alone)
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
    results = _outcomes(kb, *ref)
    if context and not hypos:
        hypos += [hypothetical(kb, obs, *ref, value) for value, _ in results]
    condition = s.condition
    alone = _alone(kb, ref)
    known: dict[int, Truth] = {}
    by_change: dict[tuple[tuple[Truth, ...], float], float] = {}  # results that change alike
    found = []
    for k in range(len(results)):
        changes = {n: truths[k] for n, truths in own.items()}
        for n in shared:
            changes[n] = condition.links[n].when.changed(obs, ref, alone[k], known)
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
