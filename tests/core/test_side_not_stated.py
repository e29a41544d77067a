"""A case file's "side not stated" (results, marks) counts on either side; case files only."""

import pytest

from desktop_app.core.diagnosis import assess
from desktop_app.core.errors import InvalidObservation
from desktop_app.core.knowledge import load_knowledge_base
from desktop_app.core.observations import SIDE_NOT_STATED, SIDES
from desktop_app.core.validation import observations_from_dict, validate_exam, validate_mark
from tests.core.tiny_kb import FILES, write_tiny_kb

# A rule that needs the sided item test_a positive (on either side).
HOP = {
    "id": "hop",
    "name": "Test A positive",
    "urgency": "urgent",
    "source": "src",
    "when": {"exam": "test_a", "is": "positive"},
    "action": "Refer this week",
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    flags = [*FILES["red_flags.yaml"], HOP]
    directory = write_tiny_kb(tmp_path_factory.mktemp("kb"), {"red_flags.yaml": flags})
    return load_knowledge_base(directory)


def fired(kb, exam):
    obs = observations_from_dict(kb, {"presentations": ["pain"], "exam": exam})
    return {a.flag_id for a in assess(kb, obs).red_flags}


def test_a_positive_result_with_the_side_not_stated_fires_a_rule_needing_the_item_positive(kb):
    assert "hop" in fired(kb, {"test_a": {SIDE_NOT_STATED: "positive"}})
    assert "hop" in fired(kb, {"test_a": {"right": "positive"}})  # the same as a stated side


@pytest.mark.parametrize("value", ["negative", "inconclusive"])
def test_a_negative_or_inconclusive_result_with_the_side_not_stated_does_not_fire(kb, value):
    assert "hop" not in fired(kb, {"test_a": {SIDE_NOT_STATED: value}})


def test_it_is_kept_as_not_stated_never_as_a_specific_side(kb):
    obs = observations_from_dict(kb, {"exam": {"test_a": {SIDE_NOT_STATED: "positive"}}})
    assert dict(obs.exam["test_a"]) == {SIDE_NOT_STATED: "positive"}
    assert not set(obs.exam["test_a"]) & set(SIDES)


def test_storage_and_the_gui_path_refuse_it_a_clinician_knows_the_side(kb):
    with pytest.raises(InvalidObservation, match="takes side left or right, not 'not_stated'"):
        validate_exam(kb, "test_a", SIDE_NOT_STATED, "positive")


def test_an_item_that_is_not_side_specific_refuses_it_even_in_a_case_file(kb):
    with pytest.raises(InvalidObservation, match="not 'not_stated'"):
        observations_from_dict(kb, {"exam": {"test_b": {SIDE_NOT_STATED: "positive"}}})


@pytest.mark.parametrize(
    ("sides", "reason"),
    [
        ({"either": "positive"}, "side 'either' is not one of left, right, not_stated"),
        ({"left": "negative", SIDE_NOT_STATED: "positive"}, "'not_stated' stands alone"),
    ],
)
def test_a_malformed_side_is_refused_with_the_item_and_the_reason(kb, sides, reason):
    with pytest.raises(InvalidObservation, match=reason) as caught:
        observations_from_dict(kb, {"exam": {"test_a": sides}})
    assert "exam: test_a:" in str(caught.value)


# Marks: a rule that reads a buttock pain mark on either side, and one that needs it on both.
MARK_ANY = {**HOP, "id": "mark_any", "when": {"mark": "pain", "regions": ["buttock"]}}
MARK_BOTH = {
    **HOP,
    "id": "mark_both",
    "when": {"mark": "pain", "regions": ["buttock"], "bilateral": True},
}


@pytest.fixture(scope="module")
def mark_kb(tmp_path_factory):
    flags = [*FILES["red_flags.yaml"], MARK_ANY, MARK_BOTH]
    directory = write_tiny_kb(tmp_path_factory.mktemp("kb"), {"red_flags.yaml": flags})
    return load_knowledge_base(directory)


def fired_on_marks(kb, *sides):
    marks = [{"region": "buttock", "symptom": "pain", "side": side} for side in sides]
    obs = observations_from_dict(kb, {"presentations": ["pain"], "marks": marks})
    return {a.flag_id for a in assess(kb, obs).red_flags} & {"mark_any", "mark_both"}


def test_a_mark_with_the_side_not_stated_counts_on_either_side_never_as_both(mark_kb):
    assert fired_on_marks(mark_kb, SIDE_NOT_STATED) == {"mark_any"}
    assert fired_on_marks(mark_kb, "left") == {"mark_any"}  # the same as a stated side
    assert fired_on_marks(mark_kb, "both") == {"mark_any", "mark_both"}
    assert fired_on_marks(mark_kb) == set()


def test_a_mark_is_kept_as_not_stated_and_storage_refuses_it(mark_kb):
    marks = [{"region": "buttock", "symptom": "pain", "side": SIDE_NOT_STATED}]
    obs = observations_from_dict(mark_kb, {"marks": marks})
    assert [m.side for m in obs.marks] == [SIDE_NOT_STATED]
    with pytest.raises(InvalidObservation, match="side is left, right or both, not 'not_stated'"):
        validate_mark(mark_kb, "buttock", "pain", SIDE_NOT_STATED)
