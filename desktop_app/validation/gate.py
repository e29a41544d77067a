"""The test gate: thresholds from validation/thresholds.yaml and the regression rule.

Regression rule: a tuning case that is a hit (top-3 and red flag recalled) in the committed
results.md must still be a hit, unless results.md is rewritten (`make validate`) and committed
with the change, so a regression is always a visible decision. Held-out cases are compared only
as hit counts per final diagnosis, the granularity results.md shows for them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from desktop_app.core.errors import AppError
from desktop_app.validation.summary import SETS, ValidationRun

METRICS = (
    "top1",
    "top3",
    "red_flag_recall",
    "red_flag_recall_emergency",
    "red_flag_recall_urgent",
    "red_flag_recall_routine",
    "false_alarm_rate",
)
THRESHOLD_KEYS = {"metric", "set", "minimum", "maximum", "enforce", "note"}
RECORD_MARKER = "<!-- gate record: read by tests/validation/test_gate.py; do not edit by hand -->"


class GateFileError(AppError):
    """thresholds.yaml or the gate record in results.md is malformed."""


@dataclass(frozen=True)
class Threshold:
    metric: str
    set: str
    bound: float
    is_minimum: bool
    enforce: bool
    note: str = ""

    def describe(self) -> str:
        return f"{'≥' if self.is_minimum else '≤'} {self.bound:.0%}"


@dataclass(frozen=True)
class ThresholdCheck:
    threshold: Threshold
    value: float | None  # None when the set has no case the metric counts
    shown: str

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        bound = self.threshold.bound
        return self.value >= bound if self.threshold.is_minimum else self.value <= bound

    @property
    def fails_gate(self) -> bool:
        return self.threshold.enforce and self.met is False


def load_thresholds(path: Path) -> list[Threshold]:
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise GateFileError(f"{path}: cannot be read: {exc}") from None
    rows = data.get("thresholds") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise GateFileError(f"{path}: needs a `thresholds:` list")
    return [_threshold(path, n, row) for n, row in enumerate(rows, 1)]


def _threshold(path: Path, n: int, row: Any) -> Threshold:
    def bad(reason: str) -> GateFileError:
        return GateFileError(f"{path}: threshold {n}: {reason}")

    if not isinstance(row, dict):
        raise bad("must be a mapping")
    unknown = sorted(set(row) - THRESHOLD_KEYS, key=str)
    if unknown:
        raise bad(f"unknown key(s) {', '.join(map(str, unknown))}")
    if row.get("metric") not in METRICS:
        raise bad(f"metric {row.get('metric')!r} is not one of {', '.join(METRICS)}")
    if row.get("set") not in SETS:
        raise bad(f"set {row.get('set')!r} is not one of {', '.join(SETS)}")
    if ("minimum" in row) == ("maximum" in row):
        raise bad("needs exactly one of minimum or maximum")
    bound = row.get("minimum", row.get("maximum"))
    if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not 0 <= bound <= 1:
        raise bad(f"the bound {bound!r} must be a fraction from 0 to 1")
    if not isinstance(row.get("enforce"), bool):
        raise bad("enforce: must be true or false")
    return Threshold(
        row["metric"],
        row["set"],
        float(bound),
        "minimum" in row,
        row["enforce"],
        row.get("note", ""),
    )


def check_thresholds(run: ValidationRun, thresholds: list[Threshold]) -> list[ThresholdCheck]:
    figures = run.figures()
    checks = []
    for t in thresholds:
        count = figures[t.set].metric(t.metric)
        checks.append(ThresholdCheck(t, count.rate, str(count)))
    return checks


def gate_record(run: ValidationRun) -> dict[str, Any]:
    """What the regression rule compares: tuning hits by case, held-out hits by diagnosis."""
    held_out: dict[str, int] = {}
    for r in run.of_set("held_out"):
        if r.hit:
            for cid in r.diagnosis:
                held_out[cid] = held_out.get(cid, 0) + 1
    return {
        "format": 1,
        "tuning_hits": sorted(r.name for r in run.of_set("tuning") if r.hit),
        "held_out_hits_by_condition": dict(sorted(held_out.items())),
    }


def read_gate_record(results_md: Path) -> dict[str, Any] | None:
    """The record in a committed results.md; None when there is no results.md yet."""
    if not results_md.exists():
        return None
    text = results_md.read_text(encoding="utf-8")
    _, marker, rest = text.partition(RECORD_MARKER)
    block = re.search(r"```json\n(.*?)\n```", rest, re.S)
    if not marker or block is None:
        raise GateFileError(f"{results_md}: has no gate record; rewrite it with `make validate`")
    try:
        record = json.loads(block.group(1))
    except json.JSONDecodeError as exc:
        raise GateFileError(f"{results_md}: the gate record is not valid JSON: {exc}") from None
    if not isinstance(record, dict) or record.get("format") != 1:
        raise GateFileError(f"{results_md}: the gate record has an unknown format")
    return record


def regressions(run: ValidationRun, record: dict[str, Any] | None) -> list[str]:
    """Committed hits that are no longer hits, each with what it is now. Empty when none."""
    if record is None:
        return []
    live = {r.name: r for r in run.results}
    found = []
    for name in record["tuning_hits"]:
        r = live.get(name)
        if r is None:
            found.append(f"{name}: was a hit; the case file is gone (cases are never dropped)")
        elif not r.held_out and not r.hit:
            found.append(f"{name}: was a hit, now {describe_miss(r)}")
    now = gate_record(run)["held_out_hits_by_condition"]
    for cid, committed in sorted(record["held_out_hits_by_condition"].items()):
        if now.get(cid, 0) < committed:
            found.append(
                f"held-out cases of {cid}: {committed} hit(s) committed, {now.get(cid, 0)} now"
            )
    return found


def describe_miss(r: Any) -> str:
    if not r.valid:
        return f"invalid: {r.invalid}"
    parts = []
    if not r.top3:
        where = f"rank {r.rank}" if r.rank is not None else (r.note or "not ranked")
        parts.append(f"{where}, leader {r.leader}")
    if r.red_flag_recalled is False:
        parts.append(f"red flag {r.fired_red_flag}, expected {r.expected_red_flag}")
    return "; ".join(parts) or "a hit"
