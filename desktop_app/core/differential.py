"""The differential as data: what `diagnosis.assess` returns and a signed visit stores.

`Differential.from_dict` reads every snapshot shape ever signed: keys added later (nesting,
must-exclude, screening, safety net, leaders) default to empty, so an old visit still renders.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class AppliedFinding:
    label: str
    present: bool
    lr: float
    source: str | None
    estimate: bool

    @property
    def statement(self) -> str:
        """The finding as recorded: its label, marked when the finding was absent."""
        return self.label if self.present else f"{self.label} — absent"


@dataclass(frozen=True)
class ConditionResult:
    """One row of the differential.

    ``posterior`` is what is displayed: the raw post-test probability held within the display
    limits (core.probability); a parent row carries its group's probability (see diagnosis).
    ``prior`` is the pre-test probability after context (prior modifiers), ``base_prior`` the
    presentation's prior before it. ``specific`` is False for a row with no supporting finding
    (its own or, for a parent, a child's): it leads on its prior alone.
    """

    condition_id: str
    name: str
    urgency: str
    prior: float
    posterior: float
    supporting: tuple[AppliedFinding, ...]
    opposing: tuple[AppliedFinding, ...]
    parent: str | None = None
    specific: bool = False
    raw_posterior: float = 0.0
    base_prior: float = 0.0


@dataclass(frozen=True)
class RedFlagAlert:
    flag_id: str
    name: str
    urgency: str
    action: str
    source: str | None
    estimate: bool


@dataclass(frozen=True)
class MustExclude:
    """A condition a fired urgent or emergency rule names: it leads the differential."""

    condition_id: str
    name: str
    urgency: str  # the rule's urgency
    flag_id: str
    flag_name: str
    action: str


@dataclass(frozen=True)
class Screening:
    """Whether a red-flag domain was screened: fired, negative, or incomplete (what is missing)."""

    flag_id: str
    name: str
    status: str  # "fired" | "negative" | "incomplete"
    unanswered: tuple[str, ...] = ()


@dataclass(frozen=True)
class SafetyNet:
    flag_id: str
    text: str


@dataclass(frozen=True)
class NextTest:
    """An unrecorded item worth recording next.

    ``safety`` items could fire an urgent or emergency rule for a plausible dangerous condition
    and come first; ``score`` is then the best posterior of that rule's conditions. Otherwise
    ``score`` is the expected change (probability points, summed over the leading candidates)
    that recording it would make, each outcome weighted by its predicted probability.
    """

    kind: str  # "answer" (a history prompt) or "exam"
    item_id: str
    name: str
    score: float
    reason: str
    safety: bool = False


@dataclass(frozen=True)
class Differential:
    kb_version: str
    conditions: tuple[ConditionResult, ...]
    red_flags: tuple[RedFlagAlert, ...]
    next_tests: tuple[NextTest, ...]
    must_exclude: tuple[MustExclude, ...] = ()
    screening: tuple[Screening, ...] = ()
    safety_net: tuple[SafetyNet, ...] = ()
    leaders: tuple[str, ...] = ()  # one condition per leading group (core.ranking.leaders)

    @property
    def leading(self) -> ConditionResult | None:
        """The leading condition, the one rule for every page, letter, export and the stored
        value: the first leader (the member that places the first group, core.ranking), not
        the group's parent row; a snapshot signed before leaders were stored, its first row."""
        first = self.leading_groups(1)
        return next((c for c in self.conditions if c.condition_id in first), None)

    def leading_groups(self, n: int) -> tuple[str, ...]:
        """The first n leaders, one condition per group; a snapshot signed before leaders were
        stored gives its first n top-level rows, the groups as the panel shows them."""
        if self.leaders:
            return self.leaders[:n]
        return tuple(c.condition_id for c in self.conditions if c.parent is None)[:n]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the snapshot stored when a visit is signed."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Differential:
        return cls(
            data["kb_version"],
            tuple(_condition(c) for c in data["conditions"]),
            tuple(_build(RedFlagAlert, r) for r in data["red_flags"]),
            tuple(_build(NextTest, t) for t in data["next_tests"]),
            tuple(_build(MustExclude, m) for m in data.get("must_exclude", ())),
            tuple(_screening(s) for s in data.get("screening", ())),
            tuple(_build(SafetyNet, s) for s in data.get("safety_net", ())),
            tuple(data.get("leaders", ())),
        )


def _build(cls: Any, row: dict[str, Any]) -> Any:
    """A dataclass from a stored row, ignoring keys a later version may add."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in row.items() if k in names})


def _screening(row: dict[str, Any]) -> Screening:
    screening: Screening = _build(Screening, row)
    return Screening(
        screening.flag_id, screening.name, screening.status, tuple(screening.unanswered)
    )


def _condition(row: dict[str, Any]) -> ConditionResult:
    def findings(rows: list[dict[str, Any]]) -> tuple[AppliedFinding, ...]:
        return tuple(_build(AppliedFinding, r) for r in rows)

    supporting = findings(row["supporting"])
    defaults = {  # a snapshot signed before nesting and display limits
        "specific": bool(supporting),
        "raw_posterior": row["posterior"],
        "base_prior": row["prior"],
    }
    plain = {k: v for k, v in row.items() if k not in ("supporting", "opposing")}
    merged: dict[str, Any] = {**defaults, **plain}
    result: ConditionResult = _build(
        ConditionResult,
        {**merged, "supporting": supporting, "opposing": findings(row["opposing"])},
    )
    return result
