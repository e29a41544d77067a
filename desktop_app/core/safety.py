"""Red flags: which rules fired, the must-exclude tier, screening status and safety-net advice."""

from __future__ import annotations

from desktop_app.core.differential import MustExclude, RedFlagAlert, SafetyNet, Screening
from desktop_app.core.knowledge import KnowledgeBase, RedFlag
from desktop_app.core.observations import UNKNOWN, Observations
from desktop_app.core.visibility import is_shown

URGENCY_ORDER = {"emergency": 0, "urgent": 1, "routine": 2}
MUST_EXCLUDE_URGENCIES = ("emergency", "urgent")


def fired_flags(kb: KnowledgeBase, obs: Observations) -> list[RedFlag]:
    """Every rule whose condition is true, most urgent first (then by name)."""
    fired = [f for f in kb.red_flags.values() if f.when.evaluate(obs) is True]
    return sorted(fired, key=lambda f: (URGENCY_ORDER[f.urgency], f.name, f.id))


def alerts(flags: list[RedFlag]) -> tuple[RedFlagAlert, ...]:
    return tuple(
        RedFlagAlert(f.id, f.name, f.urgency, f.action, f.source, f.estimate) for f in flags
    )


def must_exclude(
    kb: KnowledgeBase, fired: list[RedFlag], raw: dict[str, float]
) -> tuple[MustExclude, ...]:
    """One entry per condition named by a fired urgent/emergency rule, under its most urgent rule.

    Emergencies first; within one urgency the more probable condition first (raw posterior), then
    by name, so the order is deterministic.
    """
    chosen: dict[str, RedFlag] = {}
    for flag in fired:  # already most urgent first
        if flag.urgency in MUST_EXCLUDE_URGENCIES:
            for cid in flag.conditions:
                chosen.setdefault(cid, flag)
    rows = [
        MustExclude(cid, kb.conditions[cid].name, f.urgency, f.id, f.name, f.action)
        for cid, f in chosen.items()
    ]
    rows.sort(key=lambda m: (URGENCY_ORDER[m.urgency], -raw[m.condition_id], m.name))
    return tuple(rows)


def _askable(kb: KnowledgeBase, obs: Observations) -> set[str]:
    """IDs the visit can ask: its presentations' prompts (when shown) and exam items."""
    presentations = obs.presentations or tuple(kb.presentations)
    ids = {p.id for p in kb.prompts_for(presentations) if is_shown(kb, p.id, obs)}
    return ids | {i.id for i in kb.exam_items_for(presentations)}


def _recorded(obs: Observations, item_id: str) -> bool:
    """Answered (not 'unknown'), or examined with a result other than inconclusive."""
    if item_id in obs.answers:
        return bool(obs.answers[item_id] != UNKNOWN)
    return any(v != "inconclusive" for v in obs.exam.get(item_id, {}).values())


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
        missing = tuple(sid for sid in required if not _recorded(obs, sid))
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
