"""Every entry point validates answers, results and marks against the knowledge base."""

import pytest

from desktop_app.core.errors import InvalidObservation
from desktop_app.core.knowledge import load_knowledge_base
from desktop_app.core.validation import (
    observations_from_dict,
    validate_answer,
    validate_exam,
    validate_mark,
)
from tests.core.tiny_kb import FILES, write_tiny_kb


def test_valid_values_come_back_in_stored_form(kb):
    assert validate_answer(kb, "sitting", "yes") == "yes"
    assert validate_answer(kb, "age", "42") == 42
    assert validate_answer(kb, "age", 42.5) == 42.5
    assert validate_answer(kb, "drug", "unknown") == "unknown"
    assert validate_exam(kb, "test_a", "left", "positive") == "positive"
    assert validate_exam(kb, "strength", "right", 4) == 4.0


@pytest.mark.parametrize(
    ("prompt", "value", "named"),
    [
        ("nope", "yes", "nope"),
        ("sitting", "maybe", "sitting"),
        ("age", 121, "age"),
        ("age", float("nan"), "age"),
        ("age", True, "age"),
        ("drug", "aspirin", "drug"),
    ],
)
def test_bad_answers_name_the_prompt(kb, prompt, value, named):
    with pytest.raises(InvalidObservation, match=named):
        validate_answer(kb, prompt, value)


@pytest.mark.parametrize(
    ("item", "side", "value"),
    [
        ("test_a", "none", "positive"),
        ("test_b", "left", "positive"),
        ("test_a", "left", "yes"),
        ("strength", "left", 6),
        ("strength", "left", "strong"),
        ("missing", "none", "positive"),
    ],
)
def test_bad_exam_results_are_refused(kb, item, side, value):
    with pytest.raises(InvalidObservation):
        validate_exam(kb, item, side, value)


def test_marks_must_name_known_regions_symptoms_and_sides(kb):
    assert validate_mark(kb, "buttock", "pain", "both").side == "both"
    for args in [("knee", "pain", "left"), ("buttock", "itch", "left"), ("buttock", "pain", "up")]:
        with pytest.raises(InvalidObservation):
            validate_mark(kb, *args)


def test_text_answers_are_normalised_and_control_characters_refused(tmp_path):
    prompts = [
        *FILES["prompts.yaml"],
        {"id": "note", "topic": "Notes", "question": "Notes", "answer_type": "text"},
    ]
    kb = load_knowledge_base(write_tiny_kb(tmp_path, {"prompts.yaml": prompts}))
    assert validate_answer(kb, "note", "Zoe\u0308") == "Zoë"  # NFD in, NFC out
    with pytest.raises(InvalidObservation, match="control characters"):
        validate_answer(kb, "note", "bad\x00byte")
    with pytest.raises(InvalidObservation, match="longer than"):
        validate_answer(kb, "note", "x" * 20_001)


def test_case_files_build_validated_observations(kb):
    obs = observations_from_dict(
        kb,
        {
            "presentations": ["pain"],
            "answers": {"sitting": "yes"},
            "exam": {"test_a": {"left": "positive"}, "test_b": "negative"},
            "marks": [{"region": "buttock", "symptom": "pain", "side": "left"}],
        },
    )
    assert obs.exam == {"test_a": {"left": "positive"}, "test_b": {"none": "negative"}}
    with pytest.raises(InvalidObservation, match="Unknown presentation"):
        observations_from_dict(kb, {"presentations": ["elbow"]})
    with pytest.raises(InvalidObservation, match="Unknown section"):
        observations_from_dict(kb, {"answer": {}})
