"""Case files for the harness tests, on the tiny knowledge base of tests/core/tiny_kb."""

from pathlib import Path
from typing import Any

import yaml

from tests.core.tiny_kb import write_tiny_kb


def header(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source": {
            "citation": "Author A. A case. J Test. 2020;1:1-2.",
            "doi": "10.0000/test",
            "kind": "case_report",
        },
        "summary": "40-year-old with buttock pain.",
        "stated_present": ["pain on sitting"],
        "stated_negative": [],
        "diagnosis": ["beta"],
        "expected_red_flag": "none",
        "red_flag_reason": "Benign presentation.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def write_case(folder: Path, name: str, answers: dict[str, Any], **header_changes: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = {"header": header(**header_changes), "presentations": ["pain"], "answers": answers}
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# Beta leads on sitting pain; Gamma leads on fever (its only finding: Alpha and Beta have none)
# and the urgent flag "hot" fires on fever + steroid.
SITTING = {"sitting": "yes"}
FEVER_ON_STEROID = {"fever": "yes", "drug": "steroid"}


def write_project(root: Path) -> tuple[Path, Path]:
    """A tiny KB and a validation folder (root/validation/cases) with three well-formed cases."""
    kb_dir = write_tiny_kb(root / "kb")
    cases = root / "validation" / "cases"
    write_case(cases, "beta_sitting.yaml", SITTING)
    write_case(
        cases, "gamma_fever.yaml", FEVER_ON_STEROID, diagnosis=["gamma"], expected_red_flag="urgent"
    )
    write_case(cases, "beta_other.yaml", {"sitting": "yes", "age": 40})
    return kb_dir, cases
