"""Outcome-measure scoring and MCID on the tiny knowledge base."""

import pytest

from desktop_app.core.errors import InvalidObservation
from desktop_app.core.measures import change, score


def test_item_measure_scores_only_when_complete(kb):
    function = kb.measures["function"]
    partial = score(function, {"a": 3})
    assert not partial.complete and (partial.answered, partial.expected) == (1, 2)
    assert score(function, {"a": 3, "b": 4}).value == 7


def test_patient_specific_measure_averages_rated_activities(kb):
    psfs = kb.measures["psfs"]
    assert score(psfs, {"activity_1": 4, "activity_2": 7}).value == pytest.approx(5.5)
    assert not score(psfs, {}).complete


def test_total_only_measure_takes_the_entered_total(kb):
    assert score(kb.measures["paper"], {"total": 64}).value == 64


@pytest.mark.parametrize(
    ("measure", "responses"),
    [
        ("function", {"a": 5}),
        ("function", {"c": 1}),
        ("pain_scale", {"now": -1}),
        ("pain_scale", {"now": True}),
        ("psfs", {"activity_4": 3}),
        ("paper", {"total": 101}),
    ],
)
def test_out_of_range_or_unknown_items_are_refused(kb, measure, responses):
    with pytest.raises(InvalidObservation):
        score(kb.measures[measure], responses)


def test_change_respects_direction_and_mcid(kb):
    pain, function = kb.measures["pain_scale"], kb.measures["function"]
    assert change(pain, 7, 4).improved and change(pain, 7, 4).important
    assert not change(pain, 4, 5).improved
    assert change(function, 2, 4).improved and not change(function, 2, 4).important
    assert change(function, 2, 5).important


@pytest.mark.parametrize(("before", "after"), [([1, 2, 2], [3, 4, 4]), ([3, 4, 4], [1, 2, 2])])
def test_a_mean_score_moving_by_exactly_the_mcid_reaches_it(shipped, before, after):
    # PSFS is the mean of the rated activities: 5/3 -> 11/3 is 1.9999999999999998 in floating
    # point. Shown as "+2", it must read as reaching the MCID of 2 (better or worse), not "below".
    from desktop_app.core.measures import change_words

    psfs = shipped.measures["psfs"]
    previous = score(psfs, {f"activity_{n}": v for n, v in enumerate(before, 1)}).value
    current = score(psfs, {f"activity_{n}": v for n, v in enumerate(after, 1)}).value
    moved = change(psfs, previous, current)
    assert moved.important
    assert "a clinically important" in change_words(psfs, moved)
    assert "below the MCID" not in change_words(psfs, moved)
