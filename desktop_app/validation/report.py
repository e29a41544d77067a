"""validation/results.md and the `--json` object: the same figures, sorted so runs diff cleanly.

Held-out cases appear only as counts (per set and per final diagnosis): engineers tuning the
knowledge base must not read their per-case results.
"""

from __future__ import annotations

import json
from typing import Any

from desktop_app.validation.case_file import RED_FLAG_LEVELS as LEVELS
from desktop_app.validation.gate import RECORD_MARKER, ThresholdCheck, gate_record
from desktop_app.validation.scoring import CaseResult
from desktop_app.validation.summary import FLAG_LEVELS, SET_LABELS, SETS, SetFigures, ValidationRun

DEFINITIONS = {
    "Top-1": "the final diagnosis (or a co-diagnosis the report confirms) is ranked first",
    "Top-3": "an accepted diagnosis is ranked first, second or third",
    "Nested diagnoses": "when the engine nests diagnoses, only top-level rows are ranked; a "
    "group's row counts when an accepted diagnosis is the group's condition or the child "
    "leading the group",
    "Not in knowledge base": "a final diagnosis the knowledge base does not hold is a miss, "
    "reported as 'not in knowledge base'",
    "Red-flag recall at the required level": "a case expecting level L counts as recalled when a "
    "red flag of level L or more urgent fired (emergency > urgent > routine)",
    "False alarm": "an urgent or emergency red flag fired on a case that expects none",
    "Hit": "top-3 and, when a red flag is expected, recalled: what the regression gate protects",
    "Invalid": "answers or examination IDs the knowledge base does not accept: the case is not "
    "run, is counted separately and is left out of every rate",
}


def to_json(run: ValidationRun, checks: list[ThresholdCheck]) -> dict[str, Any]:
    return {
        "kb_version": run.kb_version,
        "kb_fingerprint": run.kb_fingerprint,
        "held_out_drawn": run.held_out_drawn,
        "definitions": DEFINITIONS,
        "sets": {name: figures.to_dict() for name, figures in run.figures().items()},
        "per_condition": [
            {"condition": c.condition_id, "in_kb": c.in_kb}
            | {name: _brief(c.per_set[name]) for name in SETS}
            for c in run.per_condition()
        ],
        "thresholds": [_check_dict(c) for c in checks],
        "tuning_cases": [r.to_dict() for r in run.of_set("tuning")],
        "held_out_misses_by_condition": _held_out_misses(run),
        "gate_record": gate_record(run),
    }


def _brief(f: SetFigures) -> dict[str, Any]:
    return {"cases": f.cases, "invalid": f.invalid, "top1": f.top1.hits, "top3": f.top3.hits}


def _check_dict(c: ThresholdCheck) -> dict[str, Any]:
    t = c.threshold
    return {
        "metric": t.metric,
        "set": t.set,
        ("minimum" if t.is_minimum else "maximum"): t.bound,
        "value": c.value,
        "met": c.met,
        "enforce": t.enforce,
    }


def _held_out_misses(run: ValidationRun) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for r in run.of_set("held_out"):
        for cid in r.diagnosis:
            row = counts.setdefault(
                cid,
                {
                    "cases": 0,
                    "invalid": 0,
                    "not_first": 0,
                    "outside_top3": 0,
                    "red_flag_below": 0,
                    "false_alarms": 0,
                },
            )
            row["cases"] += 1
            row["invalid"] += not r.valid
            row["not_first"] += r.valid and not r.top1
            row["outside_top3"] += r.valid and not r.top3
            row["red_flag_below"] += r.valid and r.red_flag_recalled is False
            row["false_alarms"] += r.valid and r.false_alarm
    return dict(sorted(counts.items()))


def to_markdown(run: ValidationRun, checks: list[ThresholdCheck], record: bool = True) -> str:
    figures = run.figures()
    out = [
        "# Validation results",
        "",
        "Written by `make validate` (`python main.py validate --write`); do not edit by hand. What "
        "the figures mean and what they do not: README, section Validation.",
        "",
        f"Knowledge base {run.kb_version} ({run.kb_fingerprint}). {_sets_line(run, figures)}",
        "",
        "## Definitions",
        "",
        *(f"- **{k}**: {v}." for k, v in DEFINITIONS.items()),
        "",
        "## Summary",
        "",
        "| | " + " | ".join(SET_LABELS[s] for s in SETS) + " |",
        "|---|" + "---|" * len(SETS),
        _row("Cases (invalid)", [f"{f.cases} ({f.invalid})" for f in figures.values()]),
        _row("Top-1", [str(f.top1) for f in figures.values()]),
        _row("Top-3", [str(f.top3) for f in figures.values()]),
        *(
            _row(
                f"Red-flag recall, {level}",
                [str(f.red_flag_recall[level]) for f in figures.values()],
            )
            for level in FLAG_LEVELS
        ),
        _row(
            "Red-flag recall, all levels", [str(f.red_flag_recall["all"]) for f in figures.values()]
        ),
        _row(
            "False alarms (of cases expecting none)",
            [str(f.false_alarms) for f in figures.values()],
        ),
        _row("Hits (top-3 and red flag recalled)", [str(f.hits) for f in figures.values()]),
        "",
        *_levels(figures),
        *_thresholds(checks),
        *_per_condition(run),
        *_tuning_misses(run.of_set("tuning")),
        *_held_out_section(run),
    ]
    if record:
        out += [
            "## Gate record",
            "",
            RECORD_MARKER,
            "",
            "```json",
            json.dumps(gate_record(run), indent=1, ensure_ascii=False),
            "```",
            "",
        ]
    return "\n".join(out)


def _sets_line(run: ValidationRun, figures: dict[str, SetFigures]) -> str:
    counts = f"{figures['overall'].cases} case files: {figures['tuning'].cases} tuning, "
    counts += f"{figures['held_out'].cases} held-out."
    if not run.held_out_drawn:
        counts += (
            " The held-out list (validation/held_out.txt) is not drawn yet: every case is tuning."
        )
    return counts


def _row(label: str, cells: list[str]) -> str:
    return f"| {label} | " + " | ".join(cells) + " |"


def _table(head: list[str], rows: list[list[str]], empty: str) -> list[str]:
    if not rows:
        return [empty, ""]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _levels(figures: dict[str, SetFigures]) -> list[str]:
    tuning, held_out = figures["tuning"].levels, figures["held_out"].levels
    rows = [
        [
            expected,
            *(f"{tuning[expected][fired]} · {held_out[expected][fired]}" for fired in LEVELS),
        ]
        for expected in LEVELS
    ]
    head = ["Expected \\ fired (tuning · held-out)", *LEVELS]
    return ["## Red-flag level: expected and fired", "", *_table(head, rows, "")]


def _thresholds(checks: list[ThresholdCheck]) -> list[str]:
    rows = [
        [
            c.threshold.metric,
            SET_LABELS[c.threshold.set],
            c.threshold.describe(),
            c.shown,
            {True: "yes", False: "no", None: "no cases"}[c.met],
            "yes" if c.threshold.enforce else "not yet",
        ]
        for c in checks
    ]
    head = ["Metric", "Set", "Threshold", "Now", "Met", "Enforced by the gate"]
    return ["## Thresholds (validation/thresholds.yaml)", "", *_table(head, rows, "None set.")]


def _per_condition(run: ValidationRun) -> list[str]:
    rows = []
    for c in run.per_condition():
        label = c.condition_id if c.in_kb else f"{c.condition_id} (not in knowledge base)"
        cells = [label]
        for name in SETS:
            f = c.per_set[name]
            valid = f.cases - f.invalid
            cells.append(f"{f.top1.hits}/{valid} · {f.top3.hits}/{valid}" if f.cases else "–")
        rows.append(cells)
    head = ["Final diagnosis", *(f"{SET_LABELS[s]} top-1 · top-3" for s in SETS)]
    covered = {c.condition_id for c in run.per_condition()}
    uncovered = sorted(run.kb_conditions - covered)
    return [
        "## Per condition",
        "",
        "Cells: ranked first / valid cases · in the top 3 / valid cases.",
        "",
        *_table(head, rows, "No cases."),
        f"Knowledge-base conditions without a case: {', '.join(uncovered) or 'none'}.",
        "",
    ]


def _tuning_misses(results: list[CaseResult]) -> list[str]:
    valid = [r for r in results if r.valid]
    ranked = [
        [
            r.name,
            ", ".join(r.diagnosis),
            str(r.rank) if r.rank is not None else "–",
            r.leader or "–",
            _miss_note(r),
        ]
        for r in valid
        if not r.top1
    ]
    flags = [
        [r.name, r.expected_red_flag, r.fired_red_flag, ", ".join(r.fired_flags) or "–"]
        for r in valid
        if r.red_flag_recalled is False
    ]
    alarms = [[r.name, r.fired_red_flag, ", ".join(r.fired_flags)] for r in valid if r.false_alarm]
    invalid = [[r.name, r.invalid or ""] for r in results if not r.valid]
    return [
        "## Tuning misses",
        "",
        "### Diagnosis not ranked first",
        "",
        *_table(["Case", "Diagnosis", "Rank", "Leader", "Note"], ranked, "None."),
        "### Red flag below the required level",
        "",
        *_table(["Case", "Expected", "Fired (most urgent)", "Flags fired"], flags, "None."),
        "### False alarms",
        "",
        *_table(["Case", "Fired (most urgent)", "Flags fired"], alarms, "None."),
        "### Invalid cases (not run)",
        "",
        *_table(["Case", "Reason"], invalid, "None."),
    ]


def _miss_note(r: CaseResult) -> str:
    parts = [r.note] if r.note else []
    if r.not_in_kb:
        parts.append("not in knowledge base: " + ", ".join(r.not_in_kb))
    return "; ".join(dict.fromkeys(parts))


def _held_out_section(run: ValidationRun) -> list[str]:
    out = [
        "## Held-out misses (counts only)",
        "",
        "Per-case results of held-out cases are not printed here or by `--json`: engineers "
        "tuning the knowledge base must not read them (nor open a held-out case file).",
        "",
    ]
    if not run.held_out_drawn:
        return [*out, "The held-out list is not drawn yet.", ""]
    rows = [
        [
            cid,
            *(
                str(row[k])
                for k in (
                    "cases",
                    "invalid",
                    "not_first",
                    "outside_top3",
                    "red_flag_below",
                    "false_alarms",
                )
            ),
        ]
        for cid, row in _held_out_misses(run).items()
    ]
    head = [
        "Final diagnosis",
        "Cases",
        "Invalid",
        "Not first",
        "Outside top 3",
        "Red flag below level",
        "False alarms",
    ]
    return [*out, *_table(head, rows, "No held-out cases.")]
