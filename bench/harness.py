"""Timing helpers and the result record: medians of repeated runs, floors, ratios and goals."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Goal:
    """What a metric must reach: a ratio to its floor, an absolute ceiling, or both."""

    max_ratio: float | None = None
    max_value: float | None = None
    on_p95: bool = False  # max_value judges the 95th percentile, not the median (panel refresh)

    def describe(self, unit: str) -> str:
        parts = []
        if self.max_ratio is not None:
            parts.append(f"ratio ≤ {self.max_ratio:g}")
        if self.max_value is not None:
            parts.append(f"{'p95 ' if self.on_p95 else ''}≤ {self.max_value:g} {unit}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Result:
    """One row of the table. ``app`` is None when the metric could not be measured."""

    metric: str
    unit: str  # "ms" or "MB"
    repeats: int
    goal: Goal
    app: float | None
    floor: float | None = None
    floor_is: str = ""  # what the floor measures, for the notes under the table
    note: str = ""
    # For the growth table: results with the same series at different sizes (e.g. "100k").
    series: str = ""
    size: str = ""
    p95: float | None = None  # the 95th percentile of the app's runs, where it matters

    @property
    def ratio(self) -> float | None:
        if self.app is None or not self.floor:
            return None
        return self.app / self.floor

    @property
    def met(self) -> bool | None:
        """True or False; None when there is nothing to judge."""
        if self.app is None:
            return None
        checks = []
        if self.goal.max_ratio is not None:
            ratio = self.ratio
            checks.append(ratio is not None and ratio <= self.goal.max_ratio)
        if self.goal.max_value is not None:
            judged = self.p95 if self.goal.on_p95 else self.app
            checks.append(judged is not None and judged <= self.goal.max_value)
        return all(checks)


@dataclass
class Context:
    """Settings shared by every metric in one run."""

    cache_dir: Path  # large fixtures kept between runs
    work_dir: Path  # scratch files of this run
    scale: float = 1.0  # multiplies every repeat count (the smoke test uses a small one)
    log: Callable[[str], None] = field(default=print)

    def repeats(self, default: int) -> int:
        """The repeat count for a metric whose full run uses ``default``; never fewer than 3."""
        return max(3, round(default * self.scale))


def samples_ms(
    action: Callable[[], object],
    repeats: int,
    *,
    warmup: int = 1,
    before: Callable[[], object] | None = None,
) -> list[float]:
    """Wall-clock milliseconds of ``action`` over ``repeats`` runs after ``warmup`` untimed ones.

    ``before`` runs untimed ahead of every run (resetting state the action changes).
    """
    for _ in range(warmup):
        if before is not None:
            before()
        action()
    times = []
    for _ in range(repeats):
        if before is not None:
            before()
        start = time.perf_counter_ns()
        action()
        times.append((time.perf_counter_ns() - start) / 1e6)
    return times


def p95(times: list[float]) -> float:
    """The 95th percentile (nearest rank) of a list of timings."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def median_ms(
    action: Callable[[], object],
    repeats: int,
    *,
    warmup: int = 1,
    before: Callable[[], object] | None = None,
) -> float:
    """The median of :func:`samples_ms`."""
    return statistics.median(samples_ms(action, repeats, warmup=warmup, before=before))


def interleaved_medians(
    floor: Callable[[], object],
    app: Callable[[], object],
    repeats: int,
    *,
    warmup: int = 1,
    before_floor: Callable[[], object] | None = None,
    before_app: Callable[[], object] | None = None,
) -> tuple[float, float]:
    """Medians (ms) of :func:`interleaved_samples`."""
    floor_times, app_times = interleaved_samples(
        floor, app, repeats, warmup=warmup, before_floor=before_floor, before_app=before_app
    )
    return statistics.median(floor_times), statistics.median(app_times)


def interleaved_samples(
    floor: Callable[[], object],
    app: Callable[[], object],
    repeats: int,
    *,
    warmup: int = 1,
    before_floor: Callable[[], object] | None = None,
    before_app: Callable[[], object] | None = None,
) -> tuple[list[float], list[float]]:
    """Every timing (ms) of floor and app, alternating runs so drifts in machine load hit both.

    ``before_floor`` and ``before_app`` run untimed ahead of each run of their action.
    """
    floor_times: list[float] = []
    app_times: list[float] = []
    for _ in range(warmup):
        samples_ms(floor, 0, warmup=1, before=before_floor)
        samples_ms(app, 0, warmup=1, before=before_app)
    for _ in range(repeats):
        floor_times.extend(samples_ms(floor, 1, warmup=0, before=before_floor))
        app_times.extend(samples_ms(app, 1, warmup=0, before=before_app))
    return floor_times, app_times
