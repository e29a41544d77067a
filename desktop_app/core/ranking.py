"""The order of the differential and its leaders: one rule for the panel, the PDF and the next test.

Order of the rows (flat, ready for display):
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

The leaders (what the next best test tries to separate, and whose next steps the plan offers;
stored as `Differential.leaders`) are the first LEADING groups in this order, one condition
each: the member that places its group (the must-exclude member in that tier, otherwise the
member whose probability the group row carries, the parent on a tie). So the next test and the
plan work on the conditions the clinician sees at the top, never on a near-duplicate child of a
group already counted, nor on a condition that leads on its prior alone while the record points
elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from desktop_app.core.differential import AppliedFinding, ConditionResult, MustExclude
from desktop_app.core.probability import displayed
from desktop_app.core.scoring import Score

LEADING = 3  # how many leading groups the next best test separates

RankKey = tuple[int, float, str, str]


def condition_row(s: Score) -> ConditionResult:
    """The condition's own row (a parent's group probability is added by the ranking)."""
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
        posterior=displayed(s.posterior, s.prior),
        supporting=supporting,
        opposing=tuple(sorted((f for f in found if f.lr < 1), key=lambda f: (f.lr, f.label))),
        parent=c.parent,
        specific=bool(supporting),
        raw_posterior=s.posterior,
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


# parent ID -> (its row, its children's rows, the group row): rows are immutable, so a group row
# is reused while the very same rows come back
GroupRows = dict[str, tuple[ConditionResult, list[ConditionResult], ConditionResult]]


def _group_row(
    parent: ConditionResult, kids: list[ConditionResult], kept: GroupRows | None
) -> ConditionResult:
    if kept is None or not kids:
        return _with_group(parent, kids)
    found = kept.get(parent.condition_id)
    if (
        found is not None
        and found[0] is parent
        and len(found[1]) == len(kids)
        and all(a is b for a, b in zip(found[1], kids, strict=True))
    ):
        return found[2]
    row = _with_group(parent, kids)
    kept[parent.condition_id] = (parent, kids, row)
    return row


def ranked(
    scores: dict[str, Score],
    excluded: tuple[MustExclude, ...],
    rows: Mapping[str, ConditionResult] | None = None,
    n: int = LEADING,
    kept: GroupRows | None = None,
) -> tuple[tuple[ConditionResult, ...], tuple[str, ...]]:
    """The rows in display order (must-exclude groups first, in `excluded` order, then specific
    groups, then the rest, each by probability) and the leaders: one ranking for both. `rows`:
    each condition's `condition_row`, when the caller has them already; `kept`: the group rows
    of an earlier call, reused while the parent and children rows are the same objects."""
    groups = _groups(scores, excluded, rows, kept)
    ordered = tuple(r for _, parent, kids in groups for r in (parent, *kids))
    return ordered, _leaders(groups, scores, excluded, n)


def leaders(
    scores: dict[str, Score], excluded: tuple[MustExclude, ...], n: int = LEADING
) -> tuple[str, ...]:
    """The condition IDs the next best test separates: one per leading group (module docstring)."""
    return _leaders(_groups(scores, excluded), scores, excluded, n)


def _leaders(
    groups: list[tuple[RankKey, ConditionResult, list[ConditionResult]]],
    scores: dict[str, Score],
    excluded: tuple[MustExclude, ...],
    n: int,
) -> tuple[str, ...]:
    rank = {m.condition_id: k for k, m in enumerate(excluded)}
    chosen = []
    for _, parent, kids in groups[:n]:
        members = [scores[parent.condition_id], *(scores[k.condition_id] for k in kids)]
        tier = [s for s in members if s.condition.id in rank]
        if tier:
            chosen.append(min(tier, key=lambda s: rank[s.condition.id]).condition.id)
        else:  # max() keeps the first of equals: the parent, then the children in display order
            chosen.append(max(members, key=lambda s: s.posterior).condition.id)
    return tuple(chosen)


def _groups(
    scores: dict[str, Score],
    excluded: tuple[MustExclude, ...],
    own: Mapping[str, ConditionResult] | None = None,
    kept: GroupRows | None = None,
) -> list[tuple[RankKey, ConditionResult, list[ConditionResult]]]:
    rank = {m.condition_id: n for n, m in enumerate(excluded)}
    rows = own if own is not None else {cid: condition_row(s) for cid, s in scores.items()}
    children: dict[str, list[ConditionResult]] = {}
    for row in rows.values():
        if row.parent is not None:
            children.setdefault(row.parent, []).append(row)

    def key(row: ConditionResult) -> RankKey:
        if row.condition_id in rank:
            return (0, rank[row.condition_id], "", "")
        return (1 if row.specific else 2, -row.raw_posterior, row.name, row.condition_id)

    groups = []
    for row in rows.values():
        if row.parent is not None:
            continue
        kids = sorted(children.get(row.condition_id, []), key=key)
        lead = min([key(row), *(key(k) for k in kids)])
        parent = _group_row(row, kids, kept)
        groups.append((lead if lead[0] == 0 else key(parent), parent, kids))
    groups.sort(key=lambda g: g[0])
    return groups
