"""Red flags: which rules fired and the must-exclude tier (screening and safety-net advice:
core.rule_state, kept from one assessment to the next)."""

from __future__ import annotations

from desktop_app.core.differential import MustExclude, RedFlagAlert
from desktop_app.core.knowledge import KnowledgeBase, RedFlag
from desktop_app.core.observations import UNKNOWN, Observations

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


def recorded(obs: Observations, item_id: str) -> bool:
    """Answered (not 'unknown'), or examined with a result other than inconclusive."""
    if item_id in obs.answers:
        return bool(obs.answers[item_id] != UNKNOWN)
    return any(v != "inconclusive" for v in obs.exam.get(item_id, {}).values())
