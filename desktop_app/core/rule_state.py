"""Every red-flag rule's state on a record, carried from the previous assessment of the visit.

A rule's truth reads the items of its `when`; whether its safety-net advice is given, also those
of its `safety_net_when`; its screening row, its screen items and whatever decides whether they
are shown. After one more answer only the rules that read it are evaluated again
(`changed`: core.memo.changed_items; None means anything may have changed). The results are
what core.safety's plain functions give (tests/core/test_diagnosis_incremental.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.differential import SafetyNet, Screening
from desktop_app.core.knowledge import KnowledgeBase, RedFlag
from desktop_app.core.memo import Ref, store
from desktop_app.core.observations import Observations
from desktop_app.core.predicates import Truth
from desktop_app.core.safety import URGENCY_ORDER, recorded
from desktop_app.core.visibility import is_shown


@dataclass(frozen=True)
class RuleState:
    truths: dict[str, Truth]  # every rule's `when`
    nets: dict[str, bool]  # `safety_net_when` true (rules with safety-net advice)
    rows: dict[str, Screening]  # each rule's screening row, when it has one
    fired: list[RedFlag]  # the rules that fired, most urgent first (then by name)
    fired_ids: frozenset[str]
    screening: tuple[Screening, ...]
    safety_net: tuple[SafetyNet, ...]


@dataclass(frozen=True)
class _Reads:
    """Which rules read an item: in `when`, in `safety_net_when`, in their screening row."""

    when: dict[Ref, tuple[str, ...]]
    net: dict[Ref, tuple[str, ...]]
    screen: dict[Ref, tuple[str, ...]]


def rule_state(
    kb: KnowledgeBase,
    obs: Observations,
    previous: RuleState | None,
    changed: set[Ref] | None,
) -> RuleState:
    flags = kb.red_flags
    if previous is None or changed is None:
        redo_when, redo_net, redo_rows = set(flags), set(flags), set(flags)
        truths: dict[str, Truth] = {}
        nets: dict[str, bool] = {}
        rows: dict[str, Screening] = {}
    else:
        index = _reads(kb)
        redo_when = {f for ref in changed for f in index.when.get(ref, ())}
        redo_net = {f for ref in changed for f in index.net.get(ref, ())}
        redo_rows = {f for ref in changed for f in index.screen.get(ref, ())}
        truths, nets, rows = dict(previous.truths), dict(previous.nets), dict(previous.rows)
    for fid in redo_when:
        truths[fid] = flags[fid].when.evaluate(obs)
    for fid in redo_net:
        net = flags[fid].safety_net_when
        if flags[fid].safety_net and net is not None:
            nets[fid] = net.evaluate(obs) is True
    if previous is not None and changed is not None and not redo_when:
        fired, fired_ids = previous.fired, previous.fired_ids
    else:
        fired = sorted(
            (f for f in flags.values() if truths[f.id] is True),
            key=lambda f: (URGENCY_ORDER[f.urgency], f.name, f.id),
        )
        fired_ids = frozenset(f.id for f in fired)
    if previous is not None and changed is not None:
        redo_rows |= fired_ids ^ previous.fired_ids  # a row says "fired"
    for fid in redo_rows:
        row = _row(kb, obs, flags[fid], fid in fired_ids)
        if row is None:
            rows.pop(fid, None)
        else:
            rows[fid] = row
    if previous is not None and changed is not None and not redo_rows:
        screening = previous.screening
    else:
        ordered = [rows[fid] for fid in flags if fid in rows]  # knowledge-base order, then:
        ordered.sort(key=lambda s: (URGENCY_ORDER[flags[s.flag_id].urgency], s.name))
        screening = tuple(ordered)
    if previous is not None and fired_ids == previous.fired_ids and nets == previous.nets:
        advice = previous.safety_net
    else:
        advised = [
            f
            for f in flags.values()
            if f.safety_net and (f.id in fired_ids or nets.get(f.id, False))
        ]
        advised.sort(key=lambda f: (URGENCY_ORDER[f.urgency], f.name, f.id))
        advice = tuple(SafetyNet(f.id, f.safety_net) for f in advised)
    return RuleState(truths, nets, rows, fired, fired_ids, screening, advice)


def _row(kb: KnowledgeBase, obs: Observations, flag: RedFlag, fired: bool) -> Screening | None:
    """The rule's screening row (core.safety.screening), or None when it has none."""
    if not flag.screen:
        return None
    prompts, exams = _askable_ids(kb, obs.presentations or tuple(kb.presentations))
    required = [
        sid for sid in flag.screen if (sid in prompts and is_shown(kb, sid, obs)) or sid in exams
    ]
    if not required and not fired:
        return None
    missing = tuple(sid for sid in required if not recorded(obs, sid))
    status = "fired" if fired else "incomplete" if missing else "negative"
    return Screening(flag.id, flag.name, status, missing)


def _askable_ids(
    kb: KnowledgeBase, presentations: tuple[str, ...]
) -> tuple[frozenset[str], frozenset[str]]:
    """The prompts (asked when shown) and the examination items of the presentations."""
    static = store(kb).static
    key = ("askable ids", presentations)
    found = static.get(key)
    if found is None:
        prompts = frozenset(p.id for p in kb.prompts_for(presentations))
        exams = frozenset(i.id for i in kb.exam_items_for(presentations))
        found = static[key] = (prompts, exams)
    result: tuple[frozenset[str], frozenset[str]] = found
    return result


def _reads(kb: KnowledgeBase) -> _Reads:
    static = store(kb).static
    found = static.get("rule reads")
    if found is None:
        when: dict[Ref, dict[str, None]] = {}
        net: dict[Ref, dict[str, None]] = {}
        screen: dict[Ref, dict[str, None]] = {}
        for flag in kb.red_flags.values():
            for ref in flag.when.references():
                when.setdefault(ref, {})[flag.id] = None
            if flag.safety_net_when is not None:
                for ref in flag.safety_net_when.references():
                    net.setdefault(ref, {})[flag.id] = None
            for sid in flag.screen:
                refs = [("answer", sid), ("exam", sid)]
                prompt = kb.prompts.get(sid)
                if prompt is not None and prompt.show_when is not None:
                    refs += list(prompt.show_when.references())
                for ref in refs:
                    screen.setdefault(ref, {})[flag.id] = None
        found = static["rule reads"] = _Reads(
            *({ref: tuple(ids) for ref, ids in index.items()} for index in (when, net, screen))
        )
    reads: _Reads = found
    return reads
