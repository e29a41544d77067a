"""The figures of a validation run, per set (tuning, held-out, overall) and per condition."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.errors import AppError
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.validation.case_file import RED_FLAG_LEVELS, load_cases
from desktop_app.validation.held_out import read_held_out
from desktop_app.validation.scoring import CaseResult, score_case

SETS = ("tuning", "held_out", "overall")
SET_LABELS = {"tuning": "Tuning", "held_out": "Held-out", "overall": "Overall"}
FLAG_LEVELS = ("emergency", "urgent", "routine")


@dataclass(frozen=True)
class Count:
    hits: int
    n: int

    @property
    def rate(self) -> float | None:
        return round(self.hits / self.n, 4) if self.n else None

    def __str__(self) -> str:
        rate = self.rate
        return f"{self.hits}/{self.n} (–)" if rate is None else f"{self.hits}/{self.n} ({rate:.0%})"

    def to_dict(self) -> dict[str, Any]:
        return {"hits": self.hits, "n": self.n, "rate": self.rate}


def _count(results: Iterable[CaseResult], hit: Any) -> Count:
    chosen = list(results)
    return Count(sum(1 for r in chosen if hit(r)), len(chosen))


@dataclass(frozen=True)
class SetFigures:
    cases: int
    invalid: int
    top1: Count
    top3: Count
    red_flag_recall: dict[str, Count]  # per expected level, plus "all"
    false_alarms: Count  # of the valid cases that expect no flag
    hits: Count  # top-3 and red flag recalled: what the regression gate protects
    levels: dict[str, dict[str, int]]  # valid cases by expected level, then most urgent fired

    @classmethod
    def of(cls, results: Sequence[CaseResult]) -> SetFigures:
        valid = [r for r in results if r.valid]
        flagged = [r for r in valid if r.expected_red_flag != "none"]
        recall = {
            level: _count((r for r in flagged if r.expected_red_flag == level), _recalled)
            for level in FLAG_LEVELS
        }
        recall["all"] = _count(flagged, _recalled)
        return cls(
            cases=len(results),
            invalid=len(results) - len(valid),
            top1=_count(valid, lambda r: r.top1),
            top3=_count(valid, lambda r: r.top3),
            red_flag_recall=recall,
            false_alarms=_count(
                (r for r in valid if r.expected_red_flag == "none"), lambda r: r.false_alarm
            ),
            hits=_count(valid, lambda r: r.hit),
            levels={
                expected: {
                    fired: sum(
                        1
                        for r in valid
                        if (r.expected_red_flag, r.fired_red_flag) == (expected, fired)
                    )
                    for fired in RED_FLAG_LEVELS
                }
                for expected in RED_FLAG_LEVELS
            },
        )

    def metric(self, name: str) -> Count:
        """A figure by the name thresholds.yaml uses."""
        if name.startswith("red_flag_recall"):
            level = name.removeprefix("red_flag_recall").lstrip("_") or "all"
            return self.red_flag_recall[level]
        if name == "false_alarm_rate":
            return self.false_alarms
        if name in ("top1", "top3", "hits"):
            count: Count = getattr(self, name)
            return count
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "valid": self.cases - self.invalid,
            "invalid": self.invalid,
            "top1": self.top1.to_dict(),
            "top3": self.top3.to_dict(),
            "red_flag_recall": {k: v.to_dict() for k, v in self.red_flag_recall.items()},
            "false_alarms": self.false_alarms.to_dict(),
            "hits": self.hits.to_dict(),
            "red_flag_levels": self.levels,
        }


def _recalled(result: CaseResult) -> bool:
    return result.red_flag_recalled is True


@dataclass(frozen=True)
class ConditionFigures:
    condition_id: str
    in_kb: bool
    per_set: dict[str, SetFigures]


@dataclass(frozen=True)
class ValidationRun:
    kb_version: str
    kb_fingerprint: str
    held_out_drawn: bool
    results: tuple[CaseResult, ...]  # sorted by case name
    kb_conditions: frozenset[str]

    def of_set(self, name: str) -> list[CaseResult]:
        if name == "overall":
            return list(self.results)
        return [r for r in self.results if r.held_out == (name == "held_out")]

    def figures(self) -> dict[str, SetFigures]:
        return {name: SetFigures.of(self.of_set(name)) for name in SETS}

    def per_condition(self) -> list[ConditionFigures]:
        """Per final-diagnosis ID (a case with two diagnoses counts under both), sorted by ID."""
        ids = sorted({cid for r in self.results for cid in r.diagnosis})
        return [
            ConditionFigures(
                cid,
                cid in self.kb_conditions,
                {
                    name: SetFigures.of([r for r in self.of_set(name) if cid in r.diagnosis])
                    for name in SETS
                },
            )
            for cid in ids
        ]


def run_validation(kb: KnowledgeBase, cases_dir: Path, held_out_file: Path) -> ValidationRun:
    """Every case file in `cases_dir` through the engine; the held-out list decides the set."""
    if not cases_dir.is_dir():
        raise AppError(f"There is no case folder {cases_dir}.")
    cases = load_cases(cases_dir)
    held_out = read_held_out(held_out_file, {c.name for c in cases})
    results = tuple(score_case(kb, c, c.name in held_out) for c in cases)
    return ValidationRun(
        kb.version, kb.fingerprint, held_out_file.exists(), results, frozenset(kb.conditions)
    )
