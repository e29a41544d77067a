"""The expected-change part of the next best test: each result weighted by its predicted chance."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import load_knowledge_base
from desktop_app.core.observations import Observations
from tests.core.tiny_kb import FILES, write_tiny_kb


def test_the_score_is_the_expected_change_across_the_leaders(kb):
    # Leaders Alpha 0.2, Beta 0.2, Gamma 0.01; "none of them" 0.59. Sitting moves Beta x5 / x0.2.
    (sitting,) = [
        t for t in assess(kb, Observations(("pain",))).next_tests if t.item_id == "sitting"
    ]
    p_yes_beta = 5 / (5 + 0.2)
    p_yes = (0.59 + 0.2 + 0.01) * 0.5 + 0.2 * p_yes_beta
    change_yes = 1.25 / 2.25 - 0.2
    change_no = 0.2 - 0.05 / 1.05
    assert sitting.score == pytest.approx(p_yes * change_yes + (1 - p_yes) * change_no)
    assert not sitting.safety
    assert "if yes: Beta ×5" in sitting.reason and "if no: Beta ×0.2" in sitting.reason


def test_a_rare_dramatic_result_loses_to_a_likely_useful_one(tmp_path: Path):
    """Colour 'a' multiplies Beta's odds by 20 (best case +63 points) but is one of five answers;
    pain on sitting moves Beta less (+36 / -15 points) whichever way it goes."""
    data: dict[str, Any] = copy.deepcopy(FILES)
    data["prompts.yaml"].append(
        {
            "id": "colour",
            "topic": "Other",
            "question": "Colour?",
            "answer_type": "single_choice",
            "options": [{"id": o, "label": o.upper()} for o in "abcde"],
        }
    )
    data["presentations.yaml"][0]["prompts"].append("colour")
    beta = next(c for c in data["conditions.yaml"] if c["id"] == "beta")
    beta["links"].append(
        {
            "label": "Colour A",
            "when": {"answer": "colour", "equals": "a"},
            "lr_pos": 20.0,
            "estimate": True,
            "rationale": "test",
        }
    )
    kb = load_knowledge_base(write_tiny_kb(tmp_path / "kb", data))
    tests = {t.item_id: t for t in assess(kb, Observations(("pain",))).next_tests}
    assert tests["sitting"].score > tests["colour"].score
    p_a = 0.8 * 0.2 + 0.2 * 20 / 24  # one answer in five without Beta; LR-weighted under Beta
    assert tests["colour"].score == pytest.approx(p_a * (5 / 6 - 0.2))
    assert next(iter(tests)) == "sitting"


def test_a_number_is_proposed_at_the_thresholds_its_links_use(kb):
    # Strength (MRC 0-5) below 4 is a finding for Alpha: its bands are "below 4" and "4 or more".
    result = assess(
        kb, Observations(("pain",), {"sitting": "yes"}, {"test_a": {"left": "negative"}})
    )
    strength = next(t for t in result.next_tests if t.item_id == "strength")
    assert "if below 4: Alpha ×3" in strength.reason
