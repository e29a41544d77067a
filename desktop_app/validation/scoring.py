"""One case through the engine the GUI uses: where the accepted diagnosis ranks, which flags fire.

Ranking: when the engine nests diagnoses (`ConditionResult.parent`), only top-level rows are
ranked and a group's row is a hit when an accepted ID is the group's own condition or its leading
child (the child the engine ranks first). Without the field every row is top-level, so the same
code ranks the flat list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from desktop_app.core.diagnosis import ConditionResult, Differential, assess
from desktop_app.core.errors import InvalidObservation
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.validation import observations_from_dict
from desktop_app.validation.case_file import ValidationCase

# Most urgent first; "none" when no flag fired or none is expected.
LEVEL_ORDER = {"emergency": 0, "urgent": 1, "routine": 2, "none": 3}
ALARM_LEVELS = ("emergency", "urgent")


@dataclass(frozen=True)
class Row:
    """One ranked row: the top-level condition and the IDs for which the row counts as a hit."""

    condition_id: str
    name: str
    hit_ids: tuple[str, ...]


@dataclass(frozen=True)
class CaseResult:
    name: str
    held_out: bool
    diagnosis: tuple[str, ...]
    accepted: tuple[str, ...]
    expected_red_flag: str
    invalid: str | None = None  # why the case could not be run; then nothing below is set
    rank: int | None = None  # 1-based rank of the best accepted condition's row
    not_in_kb: tuple[str, ...] = ()  # accepted IDs the knowledge base does not (yet) hold
    note: str = ""  # why an accepted condition has no rank
    leader: str | None = None  # the top row's condition ID
    leader_name: str | None = None
    fired_red_flag: str = "none"  # the most urgent level that fired
    fired_flags: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return self.invalid is None

    @property
    def top1(self) -> bool:
        return self.rank == 1

    @property
    def top3(self) -> bool:
        return self.rank is not None and self.rank <= 3

    @property
    def red_flag_recalled(self) -> bool | None:
        """A flag at the expected level or a more urgent one fired; None when none is expected."""
        if self.expected_red_flag == "none":
            return None
        return LEVEL_ORDER[self.fired_red_flag] <= LEVEL_ORDER[self.expected_red_flag]

    @property
    def false_alarm(self) -> bool:
        return self.expected_red_flag == "none" and self.fired_red_flag in ALARM_LEVELS

    @property
    def hit(self) -> bool:
        """What the regression gate protects: top-3 and the red flag recalled (when expected)."""
        return self.valid and self.top3 and self.red_flag_recalled is not False

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.name,
            "diagnosis": list(self.diagnosis),
            "accepted": list(self.accepted),
            "invalid": self.invalid,
            "rank": self.rank,
            "top1": self.top1,
            "top3": self.top3,
            "not_in_kb": list(self.not_in_kb),
            "note": self.note,
            "leader": self.leader,
            "expected_red_flag": self.expected_red_flag,
            "fired_red_flag": self.fired_red_flag,
            "fired_flags": list(self.fired_flags),
            "red_flag_recalled": self.red_flag_recalled,
            "false_alarm": self.false_alarm,
            "hit": self.hit,
        }


def score_case(kb: KnowledgeBase, case: ValidationCase, held_out: bool) -> CaseResult:
    header = case.header
    base = CaseResult(
        case.name, held_out, header.diagnosis, header.accepted, header.expected_red_flag
    )
    unknown = unknown_ids(kb, case.case)
    if unknown:
        return replace(base, invalid=unknown)
    try:
        observations = observations_from_dict(kb, case.case)
    except InvalidObservation as exc:
        return replace(base, invalid=str(exc))
    result = assess(kb, observations)
    rows = ranked_rows(result.conditions)
    rank = best_rank(rows, header.accepted)
    not_in_kb = tuple(cid for cid in header.accepted if cid not in kb.conditions)
    note = ""
    if rank is None:
        note = _why_unranked(result.conditions, rows, header.accepted, not_in_kb)
    leader = rows[0] if rows else None
    return replace(
        base,
        rank=rank,
        not_in_kb=not_in_kb,
        note=note,
        leader=leader.condition_id if leader else None,
        leader_name=leader.name if leader else None,
        fired_red_flag=highest_level(result),
        fired_flags=tuple(sorted(a.flag_id for a in result.red_flags)),
    )


def unknown_ids(kb: KnowledgeBase, case: Mapping[str, Any]) -> str:
    """Answer and examination IDs the KB does not hold or has retired (never asked), in one reason.

    A retired item is kept only so old visits still render; the engine ignores it, so a case
    recorded with it would silently lose that finding.
    """
    parts = []
    tables: tuple[tuple[str, Mapping[str, Any], str], ...] = (
        ("answers", kb.prompts, "history prompt"),
        ("exam", kb.exam_items, "examination item"),
    )
    for key, known, label in tables:
        section = case.get(key)
        ids = sorted(str(k) for k in section) if isinstance(section, Mapping) else []
        missing = [i for i in ids if i not in known]
        retired = [i for i in ids if i in known and getattr(known[i], "retired", False)]
        for word, found in (("unknown", missing), ("retired", retired)):
            if found:
                parts.append(f"{word} {label}{'s' if len(found) > 1 else ''} {', '.join(found)}")
    return "; ".join(parts)


def highest_level(result: Differential) -> str:
    levels = [a.urgency for a in result.red_flags if a.urgency in LEVEL_ORDER]
    return min(levels, key=LEVEL_ORDER.__getitem__, default="none")


def best_rank(rows: Sequence[Row], accepted: Sequence[str]) -> int | None:
    """The 1-based rank of the first row that counts as a hit for an accepted ID."""
    return next((n for n, row in enumerate(rows, 1) if set(row.hit_ids) & set(accepted)), None)


def ranked_rows(conditions: Sequence[ConditionResult]) -> list[Row]:
    """Top-level rows in the engine's order, each with its group's leading child."""
    ids = {c.condition_id for c in conditions}
    parent = {c.condition_id: getattr(c, "parent", None) for c in conditions}

    def top(cid: str) -> str:
        seen = {cid}
        while (up := parent.get(cid)) is not None and up in ids and up not in seen:
            seen.add(up)
            cid = up
        return cid

    leading_child: dict[str, str] = {}
    for c in conditions:  # the engine's order: the first child seen leads its group
        root = top(c.condition_id)
        if root != c.condition_id:
            leading_child.setdefault(root, c.condition_id)
    return [
        Row(
            c.condition_id,
            c.name,
            (c.condition_id, *filter(None, [leading_child.get(c.condition_id)])),
        )
        for c in conditions
        if top(c.condition_id) == c.condition_id
    ]


def _why_unranked(
    conditions: Sequence[ConditionResult],
    rows: list[Row],
    accepted: tuple[str, ...],
    not_in_kb: tuple[str, ...],
) -> str:
    if len(not_in_kb) == len(accepted):
        return ""  # the report says "not in knowledge base: <ids>"
    position = {row.condition_id: n for n, row in enumerate(rows, 1)}
    parents = {c.condition_id: getattr(c, "parent", None) for c in conditions}
    for cid in accepted:
        group = parents.get(cid)
        if group is not None and group in position:
            return f"{cid} is in the group of {group} (rank {position[group]}) but does not lead it"
    return "not ranked"
