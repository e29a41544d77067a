"""Three-valued conditions: unknown is never evidence."""

import pytest

from desktop_app.core.observations import Mark, Observations
from desktop_app.core.predicates import PredicateSyntaxError, parse

YES = {"answer": "a", "equals": "yes"}
POS = {"exam": "t", "is": "positive"}


def obs(**kw):
    return Observations(("p",), kw.get("answers", {}), kw.get("exam", {}), kw.get("marks", ()))


@pytest.mark.parametrize(
    ("answers", "expected"),
    [({}, None), ({"a": "unknown"}, None), ({"a": "yes"}, True), ({"a": "no"}, False)],
)
def test_answer_equals_is_three_valued(answers, expected):
    assert parse(YES).evaluate(obs(answers=answers)) is expected


def test_all_and_any_follow_kleene_logic():
    both = parse({"all": [YES, POS]})
    either = parse({"any": [YES, POS]})
    assert both.evaluate(obs(answers={"a": "no"})) is False  # one False decides
    assert both.evaluate(obs(answers={"a": "yes"})) is None  # the other is unknown
    assert either.evaluate(obs(answers={"a": "yes"})) is True
    assert either.evaluate(obs(answers={"a": "no"})) is None
    assert either.evaluate(obs(answers={"a": "no"}, exam={"t": {"none": "negative"}})) is False


def test_cluster_decides_as_soon_as_the_count_is_settled():
    cluster = parse(
        {
            "at_least": 2,
            "of": [
                {"exam": "x", "is": "positive"},
                {"exam": "y", "is": "positive"},
                {"exam": "z", "is": "positive"},
            ],
        }
    )
    pos, neg = {"none": "positive"}, {"none": "negative"}
    assert cluster.evaluate(obs(exam={"x": pos, "y": pos})) is True
    assert cluster.evaluate(obs(exam={"x": neg, "y": neg})) is False
    assert cluster.evaluate(obs(exam={"x": pos, "y": neg})) is None


def test_numeric_thresholds_and_negation():
    old = parse({"answer": "age", "at_least": 50})
    assert old.evaluate(obs(answers={"age": 50})) is True
    assert old.evaluate(obs(answers={"age": 49.5})) is False
    assert parse({"not": {"answer": "age", "at_least": 50}}).evaluate(obs()) is None


def test_answered_and_multiple_choice_includes():
    answered = parse({"answer": "drug", "answered": True})
    assert answered.evaluate(obs()) is False
    assert answered.evaluate(obs(answers={"drug": "unknown"})) is False
    includes = parse({"answer": "drug", "includes": "steroid"})
    assert includes.evaluate(obs(answers={"drug": ("antibiotic", "steroid")})) is True
    assert includes.evaluate(obs(answers={"drug": ("antibiotic",)})) is False


def test_marks_only_record_presence_and_bilateral_needs_both_sides():
    dent = parse({"mark": "depression", "regions": ["buttock"], "bilateral": True})
    left = Mark("buttock", "depression", "left")
    right = Mark("buttock", "depression", "right")
    assert dent.evaluate(obs()) is None
    assert dent.evaluate(obs(marks=(left,))) is None
    assert dent.evaluate(obs(marks=(left, right))) is True
    assert dent.evaluate(obs(marks=(Mark("buttock", "depression", "both"),))) is True


def test_references_name_every_item_read():
    pred = parse({"all": [YES, {"not": POS}, {"mark": "pain"}]})
    assert sorted(pred.references()) == [("answer", "a"), ("exam", "t")]


@pytest.mark.parametrize(
    "raw",
    [
        {"answer": "a"},
        {"answer": "a", "equals": "yes", "in": ["no"]},
        {"exam": "t", "equals": "positive"},
        {"answer": "a", "at_least": "ten"},
        {"all": []},
        {"at_least": 4, "of": [YES, POS]},
        {"mark": "pain", "side": "left"},
        {"whatever": 1},
        "yes",
    ],
)
def test_malformed_conditions_are_rejected_with_a_reason(raw):
    with pytest.raises(PredicateSyntaxError):
        parse(raw)
