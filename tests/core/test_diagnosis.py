"""The differential engine on a tiny knowledge base written in the tests."""

import math

import pytest

from desktop_app.core.diagnosis import Differential, assess, visible
from desktop_app.core.observations import Mark, Observations


def rank(result: Differential) -> list[str]:
    return [c.condition_id for c in result.conditions]


def by_id(result: Differential, condition_id: str):
    return next(c for c in result.conditions if c.condition_id == condition_id)


def test_nothing_recorded_leaves_every_condition_at_its_prior(kb):
    result = assess(kb, Observations(presentations=("pain",)))
    for c in result.conditions:
        assert c.posterior == pytest.approx(c.prior)
        assert c.supporting == () and c.opposing == ()


def test_prior_comes_from_the_visit_presentation(kb):
    assert by_id(assess(kb, Observations(("dent",))), "alpha").prior == 0.4
    assert by_id(assess(kb, Observations(("pain",))), "alpha").prior == 0.2
    # A visit with both presentations takes the higher prior.
    assert by_id(assess(kb, Observations(("pain", "dent"))), "alpha").prior == 0.4


def test_positive_finding_multiplies_odds_by_lr_plus(kb):
    obs = Observations(("pain",), exam={"test_a": {"left": "positive"}})
    alpha = by_id(assess(kb, obs), "alpha")
    expected_odds = (0.2 / 0.8) * 4.0
    assert alpha.posterior == pytest.approx(expected_odds / (1 + expected_odds))
    assert [f.label for f in alpha.supporting] == ["Test A positive"]
    assert alpha.supporting[0].source == "src"


def test_negative_finding_is_evidence_against(kb):
    obs = Observations(("pain",), answers={"sitting": "no"})
    beta = by_id(assess(kb, obs), "beta")
    assert beta.posterior < beta.prior
    assert [(f.label, f.present, f.lr) for f in beta.opposing] == [("Pain sitting", False, 0.2)]
    assert beta.opposing[0].estimate is True


def test_unknown_and_inconclusive_change_nothing(kb):
    obs = Observations(
        ("pain",), answers={"sitting": "unknown"}, exam={"test_a": {"left": "inconclusive"}}
    )
    for c in assess(kb, obs).conditions:
        assert c.posterior == pytest.approx(c.prior)


def test_sided_item_is_positive_if_either_side_is(kb):
    obs = Observations(("pain",), exam={"test_a": {"left": "negative", "right": "positive"}})
    assert by_id(assess(kb, obs), "alpha").supporting[0].label == "Test A positive"


def test_correlated_group_counts_only_its_strongest_member(kb):
    both = Observations(
        ("pain",), exam={"test_a": {"left": "positive"}, "test_b": {"none": "positive"}}
    )
    alpha = by_id(assess(kb, both), "alpha")
    assert [f.lr for f in alpha.supporting] == [4.0]  # not 4 x 2
    odds = 0.25 * 4.0
    assert alpha.posterior == pytest.approx(odds / (1 + odds))


def test_measurement_findings_use_thresholds(kb):
    weak = Observations(("pain",), exam={"strength": {"left": 3}})
    strong = Observations(("pain",), exam={"strength": {"left": 5}})
    assert by_id(assess(kb, weak), "alpha").posterior > by_id(assess(kb, strong), "alpha").posterior


def test_ranking_is_by_posterior_with_a_stable_tiebreak(kb):
    # Alpha and Beta share a 0.2 prior for "pain": the tie is broken by name.
    assert rank(assess(kb, Observations(("pain",)))) == ["alpha", "beta", "gamma"]
    obs = Observations(("pain",), answers={"sitting": "yes"})
    assert rank(assess(kb, obs))[0] == "beta"


def test_red_flag_needs_every_part_and_respects_show_when_answers(kb):
    assert assess(kb, Observations(("pain",), answers={"fever": "yes"})).red_flags == ()
    obs = Observations(("pain",), answers={"fever": "yes", "drug": "steroid"})
    flags = assess(kb, obs).red_flags
    assert [(f.flag_id, f.urgency, f.action) for f in flags] == [("hot", "urgent", "Refer today")]


def test_red_flag_on_age_and_body_chart_mark(kb):
    mark = Mark("buttock", "depression", "left")
    assert assess(kb, Observations(("dent",), answers={"age": 69}, marks=(mark,))).red_flags == ()
    flags = assess(kb, Observations(("dent",), answers={"age": 70}, marks=(mark,))).red_flags
    assert [f.flag_id for f in flags] == ["old"]


def test_next_test_is_an_unrecorded_item_that_separates_the_leaders(kb):
    result = assess(kb, Observations(("pain",)))
    names = [t.item_id for t in result.next_tests]
    assert names, "with nothing recorded there is always something to test"
    # Pain sitting moves Beta by x5 / x0.2 and nothing else: the widest separation.
    assert names[0] == "sitting"
    assert "Beta" in result.next_tests[0].reason
    recorded = assess(kb, Observations(("pain",), answers={"sitting": "yes"}))
    assert "sitting" not in [t.item_id for t in recorded.next_tests]


def test_next_tests_skip_prompts_hidden_by_show_when(kb):
    result = assess(kb, Observations(("pain",), answers={"fever": "no"}))
    assert "drug" not in [t.item_id for t in result.next_tests]


def test_differential_round_trips_through_its_snapshot(kb):
    obs = Observations(
        ("pain",),
        answers={"sitting": "yes", "fever": "yes", "drug": "steroid"},
        exam={"test_a": {"left": "negative"}},
    )
    result = assess(kb, obs)
    assert Differential.from_dict(result.to_dict()) == result
    assert result.kb_version == "test-1"


def test_extreme_evidence_saturates_without_error(kb):
    obs = Observations(("pain",), answers={"fever": "yes"})
    gamma = by_id(assess(kb, obs), "gamma")
    assert 0 < gamma.posterior < 1
    assert math.isclose(gamma.posterior / (1 - gamma.posterior), (0.01 / 0.99) * 10)


def test_answers_to_hidden_prompts_are_not_evidence(kb):
    shown = Observations(("pain",), answers={"fever": "yes", "drug": "steroid"})
    assert [f.flag_id for f in assess(kb, shown).red_flags] == ["hot"]
    # The clinician changes "fever" to no: the drug answer stays stored but no longer counts.
    hidden = Observations(("pain",), answers={"fever": "no", "drug": "steroid"})
    assert visible(kb, hidden).answers == {"fever": "no"}
    assert assess(kb, hidden).red_flags == ()
