"""The explained differential: post-test probabilities from likelihood ratios.

For each condition: pre-test odds (its prior for the visit's presentation) times the likelihood
ratio of every recorded finding linked to it, LR+ when present and LR- when absent. Unknown
findings change nothing. Links in one correlation group contribute only their most informative
member, because multiplying the LRs of correlated tests (SLR and slump, a test and a cluster that
contains it) overstates the evidence (see clinical-evidence.md, "General caveats").

Conditions are not mutually exclusive, so each probability stands alone; they are not normalised.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from desktop_app.core.knowledge_base import Condition, KnowledgeBase, Link
from desktop_app.core.observations import Observations
from desktop_app.core.visibility import visible

URGENCY_ORDER = {"emergency": 0, "urgent": 1, "routine": 2}
LEADING = 3  # how many top candidates the next-best-test search tries to separate


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
    condition_id: str
    name: str
    urgency: str
    prior: float
    posterior: float
    supporting: tuple[AppliedFinding, ...]
    opposing: tuple[AppliedFinding, ...]


@dataclass(frozen=True)
class RedFlagAlert:
    flag_id: str
    name: str
    urgency: str
    action: str
    source: str | None
    estimate: bool


@dataclass(frozen=True)
class NextTest:
    """An unrecorded item whose result would move the leading candidates most differently."""

    kind: str  # "answer" (a history prompt) or "exam"
    item_id: str
    name: str
    score: float  # weighted spread, in natural-log odds, of how the leading candidates would move
    reason: str


@dataclass(frozen=True)
class Differential:
    kb_version: str
    conditions: tuple[ConditionResult, ...]
    red_flags: tuple[RedFlagAlert, ...]
    next_tests: tuple[NextTest, ...]

    @property
    def leading(self) -> ConditionResult | None:
        return self.conditions[0] if self.conditions else None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the snapshot stored when a visit is signed."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Differential:
        def findings(rows: list[dict[str, Any]]) -> tuple[AppliedFinding, ...]:
            return tuple(AppliedFinding(**r) for r in rows)

        conditions = tuple(
            ConditionResult(
                **{k: v for k, v in c.items() if k not in ("supporting", "opposing")},
                supporting=findings(c["supporting"]),
                opposing=findings(c["opposing"]),
            )
            for c in data["conditions"]
        )
        return cls(
            data["kb_version"],
            conditions,
            tuple(RedFlagAlert(**r) for r in data["red_flags"]),
            tuple(NextTest(**t) for t in data["next_tests"]),
        )


def format_probability(p: float) -> str:
    """A probability as a percentage that never claims certainty the LRs cannot give."""
    if 0 < p < 0.01:
        return "<1%"
    if 0.99 < p < 1:
        return ">99%"
    return f"{p:.0%}"


def _odds(p: float) -> float:
    return math.log(p / (1 - p))


def _probability(log_odds: float) -> float:
    if log_odds > 700:
        return 1.0
    return 1 - 1 / (1 + math.exp(log_odds))


def prior_for(condition: Condition, presentations: tuple[str, ...]) -> float:
    """The condition's pre-test probability: the highest among the visit's presentations."""
    chosen = [condition.priors[p].value for p in presentations if p in condition.priors]
    return max(chosen) if chosen else max(f.value for f in condition.priors.values())


def _applied(links: tuple[Link, ...], obs: Observations) -> list[tuple[Link, bool, float]]:
    """The links that change the odds, one per correlation group."""
    best: dict[object, tuple[Link, bool, float]] = {}
    for n, link in enumerate(links):
        truth = link.when.evaluate(obs)
        if truth is None:
            continue
        lr = link.lr_pos if truth else link.lr_neg
        if lr == 1.0:
            continue
        key = link.group if link.group is not None else n
        current = best.get(key)
        if current is None or abs(math.log(lr)) > abs(math.log(current[2])):
            best[key] = (link, truth, lr)
    return list(best.values())


def _log_odds(condition: Condition, prior: float, obs: Observations) -> float:
    return _odds(prior) + sum(math.log(lr) for _, _, lr in _applied(condition.links, obs))


def assess(kb: KnowledgeBase, obs: Observations) -> Differential:
    """Rank every condition, raise red flags and suggest the next best tests. Deterministic."""
    obs = visible(kb, obs)
    results = []
    for condition in kb.conditions.values():
        prior = prior_for(condition, obs.presentations)
        applied = _applied(condition.links, obs)
        log_odds = _odds(prior) + sum(math.log(lr) for _, _, lr in applied)
        found = [
            AppliedFinding(link.label, truth, lr, link.source, link.estimate)
            for link, truth, lr in applied
        ]
        results.append(
            ConditionResult(
                condition.id,
                condition.name,
                condition.urgency,
                prior,
                _probability(log_odds),
                tuple(sorted((f for f in found if f.lr > 1), key=lambda f: (-f.lr, f.label))),
                tuple(sorted((f for f in found if f.lr < 1), key=lambda f: (f.lr, f.label))),
            )
        )
    results.sort(key=lambda r: (-r.posterior, r.name, r.condition_id))
    flags = [
        RedFlagAlert(f.id, f.name, f.urgency, f.action, f.source, f.estimate)
        for f in kb.red_flags.values()
        if f.when.evaluate(obs) is True
    ]
    flags.sort(key=lambda a: (URGENCY_ORDER[a.urgency], a.name, a.flag_id))
    return Differential(kb.version, tuple(results), tuple(flags), next_tests(kb, obs, results))


def _candidates(kb: KnowledgeBase, obs: Observations) -> list[tuple[str, str, str]]:
    """Unrecorded yes/no prompts and binary exam items of the visit's presentations."""
    presentations = obs.presentations or tuple(kb.presentations)
    found: list[tuple[str, str, str]] = []
    for prompt in kb.prompts_for(presentations):
        if prompt.answer_type != "yes_no" or prompt.id in obs.answers:
            continue
        if prompt.show_when is not None and prompt.show_when.evaluate(obs) is not True:
            continue
        found.append(("answer", prompt.id, prompt.question))
    for item in kb.exam_items_for(presentations):
        if item.result_type == "binary" and not obs.exam.get(item.id):
            found.append(("exam", item.id, item.name))
    return found


def next_tests(
    kb: KnowledgeBase, obs: Observations, ranked: list[ConditionResult], limit: int = 3
) -> tuple[NextTest, ...]:
    """The untested items that would best separate the leading candidates.

    For each candidate item, both outcomes are simulated. An outcome's score is the spread of the
    shifts it causes in the leaders' log-odds, as a mean absolute deviation weighted by each
    leader's share of their probability: a result that moves one plausible leader and not the
    others separates them; one that moves only an improbable candidate barely does. An item scores
    by its better outcome.
    """
    leading = [r for r in ranked[:LEADING] if r.posterior > 0]
    if len(leading) < 2:
        return ()
    base = {r.condition_id: _log_odds(kb.conditions[r.condition_id], r.prior, obs) for r in leading}
    total = sum(r.posterior for r in leading)
    weights = {r.condition_id: r.posterior / total for r in leading}
    scored = []
    for kind, item_id, name in _candidates(kb, obs):
        touched = {cid for cid, _ in kb.links_by_item.get((kind, item_id), ())}
        if not touched & set(base):
            continue
        shifts = {}
        for outcome in ("positive", "negative"):
            if kind == "answer":
                hypo = obs.with_answer(item_id, "yes" if outcome == "positive" else "no")
            else:
                hypo = obs.with_exam(item_id, "none", outcome)
            shifts[outcome] = {
                r.condition_id: (
                    _log_odds(kb.conditions[r.condition_id], r.prior, hypo) - base[r.condition_id]
                    if r.condition_id in touched
                    else 0.0
                )
                for r in leading
            }
        spread = max(_weighted_spread(s, weights) for s in shifts.values())
        if spread <= 1e-9:
            continue
        scored.append(NextTest(kind, item_id, name, spread, _reason(kb, shifts)))
    scored.sort(key=lambda t: (-t.score, t.item_id))
    return tuple(scored[:limit])


def _weighted_spread(shifts: dict[str, float], weights: dict[str, float]) -> float:
    mean = sum(weights[c] * d for c, d in shifts.items())
    return sum(weights[c] * abs(d - mean) for c, d in shifts.items())


def _reason(kb: KnowledgeBase, shifts: dict[str, dict[str, float]]) -> str:
    parts = []
    for outcome, by_condition in shifts.items():
        moved = [
            f"{kb.conditions[cid].name} ×{math.exp(delta):.2g}"
            for cid, delta in by_condition.items()
            if abs(delta) > 1e-9
        ]
        if moved:
            parts.append(f"if {outcome}: " + ", ".join(moved))
    return "; ".join(parts)
