"""The validation gate on the shipped knowledge base and validation/cases (part of `make test`).

Fails when a case file is malformed, when an enforced threshold of validation/thresholds.yaml is
not met, or when a case that is a hit in the committed validation/results.md is no longer one
(rewrite results.md with `make validate` and commit it with the change to accept a regression).
"""

import pytest

from desktop_app import paths
from desktop_app.core.knowledge import load_knowledge_base
from desktop_app.validation.gate import (
    check_thresholds,
    load_thresholds,
    read_gate_record,
    regressions,
)
from desktop_app.validation.summary import ValidationRun, run_validation

VALIDATION = paths.PROJECT_ROOT / "validation"


@pytest.fixture(scope="module")
def live() -> ValidationRun:
    kb = load_knowledge_base(paths.KNOWLEDGE_BASE)
    return run_validation(kb, VALIDATION / "cases", VALIDATION / "held_out.txt")


def test_enforced_thresholds_are_met(live):
    checks = check_thresholds(live, load_thresholds(VALIDATION / "thresholds.yaml"))
    assert checks, "validation/thresholds.yaml holds no threshold"
    failing = [
        f"{c.threshold.metric} on {c.threshold.set}: {c.shown}, needs {c.threshold.describe()}"
        for c in checks
        if c.fails_gate
    ]
    assert not failing, failing


def test_no_committed_hit_became_a_miss(live):
    found = regressions(live, read_gate_record(VALIDATION / "results.md"))
    assert not found, (
        "Cases that are hits in validation/results.md are now misses. Fix the cause, or run "
        "`make validate` and commit validation/results.md with the change:\n  " + "\n  ".join(found)
    )
