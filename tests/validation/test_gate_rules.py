"""The gate's rules on the tiny knowledge base: thresholds and the regression rule."""

import copy
import subprocess
import sys

import pytest

from desktop_app.core.knowledge import load_knowledge_base
from desktop_app.validation.gate import (
    GateFileError,
    check_thresholds,
    load_thresholds,
    read_gate_record,
    regressions,
)
from desktop_app.validation.held_out import draw_held_out
from desktop_app.validation.report import to_markdown
from desktop_app.validation.summary import run_validation
from tests.core.tiny_kb import FILES, write_tiny_kb
from tests.validation.cases import SITTING, write_case, write_project


def run_on(kb_dir, cases):
    return run_validation(load_knowledge_base(kb_dir), cases, cases.parent / "held_out.txt")


def downgraded_flag_kb(directory):
    """The tiny KB with the fever-on-steroid flag downgraded from urgent to routine."""
    flags = copy.deepcopy(FILES["red_flags.yaml"])
    flags[0]["urgency"] = "routine"
    return write_tiny_kb(directory, {"red_flags.yaml": flags})


def test_a_committed_hit_that_becomes_a_miss_is_a_regression_until_results_are_rewritten(tmp_path):
    kb_dir, cases = write_project(tmp_path)
    results_md = cases.parent / "results.md"
    results_md.write_text(to_markdown(run_on(kb_dir, cases), []), encoding="utf-8")
    assert "gamma_fever.yaml" in read_gate_record(results_md)["tuning_hits"]

    changed = run_on(downgraded_flag_kb(tmp_path / "kb2"), cases)
    assert regressions(changed, read_gate_record(results_md)) == [
        "gamma_fever.yaml: was a hit, now red flag routine, expected urgent"
    ]
    results_md.write_text(to_markdown(changed, []), encoding="utf-8")  # the visible decision
    assert regressions(changed, read_gate_record(results_md)) == []


def test_a_committed_hit_whose_file_is_gone_is_a_regression(tmp_path):
    kb_dir, cases = write_project(tmp_path)
    record_file = cases.parent / "results.md"
    record_file.write_text(to_markdown(run_on(kb_dir, cases), []), encoding="utf-8")
    (cases / "beta_other.yaml").unlink()
    found = regressions(run_on(kb_dir, cases), read_gate_record(record_file))
    assert found == ["beta_other.yaml: was a hit; the case file is gone (cases are never dropped)"]


def test_held_out_hits_are_compared_as_counts_per_diagnosis(tmp_path):
    kb_dir, cases = write_project(tmp_path)
    assert draw_held_out(cases, cases.parent / "held_out.txt", seed=5) == ["gamma_fever.yaml"]
    results_md = cases.parent / "results.md"
    results_md.write_text(to_markdown(run_on(kb_dir, cases), []), encoding="utf-8")
    record = read_gate_record(results_md)
    assert record["tuning_hits"] == ["beta_other.yaml", "beta_sitting.yaml"]
    assert record["held_out_hits_by_condition"] == {"gamma": 1}
    found = regressions(run_on(downgraded_flag_kb(tmp_path / "kb2"), cases), record)
    assert found == ["held-out cases of gamma: 1 hit(s) committed, 0 now"]


def test_without_committed_results_nothing_is_a_regression(tmp_path):
    kb_dir, cases = write_project(tmp_path)
    assert read_gate_record(cases.parent / "results.md") is None
    assert regressions(run_on(kb_dir, cases), None) == []


def test_results_without_a_record_are_refused(tmp_path):
    results_md = tmp_path / "results.md"
    results_md.write_text("# Validation results\n", encoding="utf-8")
    with pytest.raises(GateFileError, match="has no gate record"):
        read_gate_record(results_md)


def test_only_enforced_unmet_thresholds_fail_the_gate(tmp_path):
    _, cases = write_project(tmp_path)
    write_case(cases, "alpha_sitting.yaml", SITTING, diagnosis=["alpha"])
    thresholds = tmp_path / "thresholds.yaml"
    thresholds.write_text(
        "thresholds:\n"
        "  - {metric: top1, set: tuning, minimum: 1.0, enforce: true}\n"
        "  - {metric: top3, set: tuning, minimum: 1.0, enforce: true}\n"
        "  - {metric: red_flag_recall, set: tuning, minimum: 1.0, enforce: false}\n"
        "  - {metric: false_alarm_rate, set: held_out, maximum: 0.1, enforce: true}\n",
        encoding="utf-8",
    )
    checks = check_thresholds(
        run_on(downgraded_flag_kb(tmp_path / "kb2"), cases), load_thresholds(thresholds)
    )
    assert [(c.threshold.metric, c.met, c.fails_gate) for c in checks] == [
        ("top1", False, True),  # alpha is second
        ("top3", True, False),
        ("red_flag_recall", False, False),  # not met, not enforced
        ("false_alarm_rate", None, False),  # no held-out cases
    ]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("{metric: top5, set: tuning, minimum: 1, enforce: true}", "metric 'top5'"),
        ("{metric: top1, set: train, minimum: 1, enforce: true}", "set 'train'"),
        ("{metric: top1, set: tuning, minimum: 75, enforce: true}", "fraction from 0 to 1"),
        ("{metric: top1, set: tuning, minimum: 1}", "enforce: must be true or false"),
        ("{metric: top1, set: tuning, enforce: true}", "exactly one of minimum or maximum"),
    ],
)
def test_a_malformed_threshold_is_refused_with_its_position(tmp_path, row, reason):
    path = tmp_path / "thresholds.yaml"
    path.write_text(f"thresholds:\n  - {row}\n", encoding="utf-8")
    with pytest.raises(GateFileError, match="threshold 1: ") as caught:
        load_thresholds(path)
    assert reason in str(caught.value)


def test_write_names_the_hits_it_gives_up(tmp_path):
    kb_dir, cases = write_project(tmp_path)

    def validate(kb):
        return subprocess.run(
            [
                sys.executable,
                "main.py",
                "validate",
                "--cases",
                str(cases),
                "--kb",
                str(kb),
                "--write",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )

    first = validate(kb_dir)
    assert (first.returncode, first.stderr) == (0, "")
    assert "| Top-3 | 3/3 (100%)" in first.stdout
    assert "## Gate record" in (cases.parent / "results.md").read_text(encoding="utf-8")
    second = validate(downgraded_flag_kb(tmp_path / "kb2"))
    assert second.returncode == 0
    assert "gamma_fever.yaml: was a hit, now red flag routine, expected urgent" in second.stderr
    assert (
        regressions(run_on(tmp_path / "kb2", cases), read_gate_record(cases.parent / "results.md"))
        == []
    )
