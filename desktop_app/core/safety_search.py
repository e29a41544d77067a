"""The safety part of the next best test: unrecorded items that could fire a plausible rule.

An unrecorded item (any answer type) is proposed first, with ``safety=True``, when one of its
possible results would make an urgent or emergency rule fire, and that rule is *plausible*: it
has not fired, is not already excluded (its condition is unknown, not false), and at least one
of these holds:
- a condition it names has a raw posterior above its presentation prior (the recorded findings
  or context raised it; a condition still at its prior is not made plausible, however common:
  "sciatica" at its 15 % prior does not make strength grading the first safety check of every
  visit);
- its `safety_net_when` is true (the knowledge base marks this patient as at risk);
- part of the rule is already met (an atom not under `not` is true: recent surgery recorded,
  the pain and deficit not yet asked).
More urgent rules first, then the more probable condition, then knowledge-base order; the first
item of each rule comes before a second item of any rule.

Incremental: a rule's state and the items that could fire it are remembered under exactly the
recorded values the rule reads (core.memo), and carried from the previous assessment for a rule
that reads none of the changed items (`carry`), so after one more answer only the rules that read
it are looked at again. Of a rule's unrecorded items only those its parts' truths leave able to
make it true (`could_become`: for all(A, B) with both unknown, an item of A alone cannot) are
simulated, and each re-evaluates only its parts that read it (Predicate.changed).
"""

from __future__ import annotations

from typing import Any

from desktop_app.core.differential import NextTest
from desktop_app.core.knowledge import KnowledgeBase, RedFlag
from desktop_app.core.memo import Store, project, reads, store
from desktop_app.core.observations import Observations
from desktop_app.core.predicates import (
    Predicate,
    Truth,
    could_become,
    node_truths,
    positive_leaves,
)
from desktop_app.core.safety import MUST_EXCLUDE_URGENCIES, URGENCY_ORDER
from desktop_app.core.scoring import Score
from desktop_app.core.simulation import Candidate, Ref, alone, results_of


def safety_tests(
    kb: KnowledgeBase,
    obs: Observations,
    scores: dict[str, Score],
    fired_ids: set[str],
    cands: list[Candidate],
    carry: Carry | None = None,
) -> list[NextTest]:
    """`carry` (from core.diagnosis): the record the previous assessment saw, the items changed
    since, and this record's snapshot; a rule none of whose items changed, with the same
    unrecorded items, keeps the state it had then (no memo key to build)."""
    order = {(kind, item_id): n for n, (kind, item_id, _) in enumerate(cands)}
    names = {(kind, item_id): name for kind, item_id, name in cands}
    best: dict[tuple[str, str], tuple[tuple[int, float, int], RedFlag, str]] = {}
    mem = store(kb)
    rules = mem.static.get("urgent rules") or _urgent_rules(kb)
    kept: dict[str, tuple[tuple[Ref, ...], list[Any]]] | None = None
    changed: set[Ref] = set()
    # the states kept must be those of the very record the changes are counted from
    # (read once: an export thread's assessment may replace mem.safety between two reads)
    saved = mem.safety
    if carry is not None and carry[1] is not None and saved and saved[0] is carry[0]:
        kept, changed = saved[1], carry[1]
    states: dict[str, tuple[tuple[Ref, ...], list[Any]]] = {}
    for flag, rule_refs, read, leaves in rules:
        if flag.id in fired_ids:
            continue
        # only the items a plausible rule reads are simulated
        refs = tuple(ref for ref in rule_refs if ref in order)
        old = kept.get(flag.id) if kept is not None else None
        if old is not None and old[0] == refs and changed.isdisjoint(read[0]):
            seen = old[1]
        else:
            seen = _flag_state(mem, obs, flag, refs, read, leaves)
        states[flag.id] = (refs, seen)
        if seen[0] is not None or not _plausible(flag, seen, scores):
            continue
        if seen[3] is None:
            seen[3] = _triggers(kb, obs, flag, refs)
        for ref, label in seen[3]:
            key = (URGENCY_ORDER[flag.urgency], -_likelihood(flag, scores), order[ref])
            if ref not in best or key < best[ref][0]:
                best[ref] = (key, flag, label)
    if carry is not None:
        mem.safety = (carry[2], states)
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


def _plausible(flag: RedFlag, seen: list[Any], scores: dict[str, Score]) -> bool:
    for cid in flag.conditions:
        s = scores[cid]
        raw = s.posterior
        if raw > s.base_prior * (1 + 1e-9):
            return True
    return bool(seen[1] or seen[2])  # safety_net_when true, or part of the rule already met


def _likelihood(flag: RedFlag, scores: dict[str, Score]) -> float:
    return max((scores[c].posterior for c in flag.conditions), default=0.0)


Carry = tuple[Observations, "set[Ref] | None", Observations]  # before, changed since, now
Rule = tuple[RedFlag, tuple[Ref, ...], tuple[tuple[Ref, ...], bool], list[Predicate]]


def _urgent_rules(kb: KnowledgeBase) -> list[Rule]:
    """Each urgent or emergency rule with the items it reads (in order; with its safety_net_when
    for the memo key) and its positive atoms (static)."""
    found = []
    for flag in kb.red_flags.values():
        if flag.urgency in MUST_EXCLUDE_URGENCIES:
            preds = [flag.when] + ([flag.safety_net_when] if flag.safety_net_when else [])
            refs = tuple(dict.fromkeys(flag.when.references()))
            found.append((flag, refs, reads(preds), positive_leaves(flag.when)))
    store(kb).static["urgent rules"] = found
    return found


def _flag_state(
    mem: Store,
    obs: Observations,
    flag: RedFlag,
    refs: tuple[Ref, ...],
    read: tuple[tuple[Ref, ...], bool],
    leaves: list[Predicate],
) -> list[Any]:
    """[rule true?, safety_net_when true?, a positive atom true?, triggers or None], remembered
    under the recorded values of every item the rule reads (core.memo)."""
    try:
        values = project(obs, *read)
        key: Any = ("flag", flag.id, refs, values)
    except TypeError:
        key = None
    found = mem.get(key) if key is not None else None
    if found is None:
        net = flag.safety_net_when is not None and flag.safety_net_when.evaluate(obs) is True
        met = any(leaf.evaluate(obs) is True for leaf in leaves)
        found = [flag.when.evaluate(obs), net, met, None]
        if key is not None:  # a rule that reads nothing recorded: the same for every visit
            mem.put(key, found, lasting=not values[1] and all(v is None for v in values[0]))
    return found


def _triggers(
    kb: KnowledgeBase, obs: Observations, flag: RedFlag, refs: tuple[Ref, ...]
) -> tuple[tuple[Ref, str], ...]:
    """Each of `refs` with the first of its results that makes the rule true, if any."""
    truths: dict[int, Truth] = {}  # every part's truth on `obs` (Predicate.changed's `known`)
    node_truths(flag.when, obs, truths)
    possible = could_become(flag.when, True, truths)
    found = []
    for ref in refs:
        if ref not in possible:
            continue
        for (_, label), one in zip(results_of(kb, *ref), alone(kb, ref), strict=True):
            if flag.when.changed(obs, ref, one, truths) is True:
                found.append((ref, label))
                break
    return tuple(found)
