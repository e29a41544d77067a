"""The results table: printed to the terminal and written to bench/results.md."""

from __future__ import annotations

from collections.abc import Sequence

from bench.harness import Result

COLUMNS = ("metric", "floor", "app", "app p95", "ratio", "goal", "met")


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    digits = 4 if value < 1 else 3 if value < 10 else 1 if value < 1000 else 0
    return f"{value:.{digits}f} {unit}"


def row(result: Result) -> tuple[str, ...]:
    """The cells of one result."""
    ratio = result.ratio
    met = {True: "yes", False: "NO", None: "not measured"}[result.met]
    if result.met and not result.goal.describe(result.unit):
        met = "—"  # no goal of its own (e.g. the stack's floor): nothing was met
    return (
        result.metric,
        _value(result.floor, result.unit),
        _value(result.app, result.unit),
        _value(result.p95, result.unit),
        "—" if ratio is None else f"{ratio:.2f}",
        result.goal.describe(result.unit),
        met,
    )


def markdown(results: Sequence[Result]) -> str:
    """A Markdown table (also readable as plain text in a terminal)."""
    rows = [COLUMNS, *(row(r) for r in results)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def details(results: Sequence[Result]) -> str:
    """How each figure was measured: repeat count, what the floor is, and any note."""
    lines = []
    for r in results:
        floor = f" Floor: {r.floor_is}." if r.floor_is else ""
        note = f" {r.note}" if r.note else ""
        lines.append(f"- **{r.metric}**: median of {r.repeats} runs.{floor}{note}")
    return "\n".join(lines)


def growth(results: Sequence[Result]) -> str:
    """Cost against size: one table per kind of size (patients, visits, findings), one row per
    series, one column per size (app median, then ratio)."""
    series: dict[str, dict[str, Result]] = {}
    for r in results:
        if r.series and r.app is not None:
            series.setdefault(r.series, {})[r.size] = r
    groups: dict[tuple[str, ...], list[str]] = {}
    for name, by_size in series.items():
        groups.setdefault(tuple(by_size), []).append(name)
    return "\n\n".join(_growth_table(sizes, names, series) for sizes, names in groups.items())


def _growth_table(
    sizes: tuple[str, ...], names: list[str], series: dict[str, dict[str, Result]]
) -> str:
    header = ("series", *sizes)
    rows = [header]
    for name in names:
        cells = []
        for size in sizes:
            r = series[name][size]
            ratio = r.ratio
            cells.append(_value(r.app, r.unit) + ("" if ratio is None else f" (×{ratio:.1f})"))
        rows.append((name, *cells))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
