"""Context priors, correlated groups, nesting, display limits and snapshots, on tiny KBs."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.diagnosis import Differential, assess, format_probability
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.core.observations import Observations
from desktop_app.core.probability import DISPLAY_CEILING, DISPLAY_FLOOR
from tests.core.tiny_kb import FILES, write_tiny_kb


def variant(tmp_path: Path, change) -> KnowledgeBase:
    data: dict[str, Any] = copy.deepcopy(FILES)
    change({c["id"]: c for c in data["conditions.yaml"]}, data)
    return load_knowledge_base(write_tiny_kb(tmp_path / "kb", data))


def by_id(result: Differential, condition_id: str):
    return next(c for c in result.conditions if c.condition_id == condition_id)


def odds(p: float) -> float:
    return p / (1 - p)


# --- context priors ---------------------------------------------------------------------------


def _age_modifiers(conditions, _data):
    conditions["alpha"]["prior_modifiers"] = [
        {"when": {"answer": "age", "at_least": 60}, "odds_ratio": 3, "source": "src"},
        {"when": {"answer": "sitting", "equals": "yes"}, "odds_ratio": 0.5, "source": "src"},
    ]


def test_a_true_modifier_multiplies_the_prior_odds(tmp_path):
    kb = variant(tmp_path, _age_modifiers)
    alpha = by_id(assess(kb, Observations(("pain",), {"age": 70})), "alpha")
    assert odds(alpha.prior) == pytest.approx(odds(0.2) * 3)
    assert alpha.base_prior == 0.2
    assert alpha.raw_posterior == pytest.approx(alpha.prior)  # context is not a finding
    assert alpha.supporting == () and not alpha.specific


def test_every_true_modifier_counts(tmp_path):
    kb = variant(tmp_path, _age_modifiers)
    alpha = by_id(assess(kb, Observations(("pain",), {"age": 70, "sitting": "yes"})), "alpha")
    assert odds(alpha.prior) == pytest.approx(odds(0.2) * 3 * 0.5)


@pytest.mark.parametrize("answers", [{}, {"age": 40}, {"sitting": "unknown"}])
def test_a_false_or_unknown_context_changes_nothing(tmp_path, answers):
    kb = variant(tmp_path, _age_modifiers)
    alpha = by_id(assess(kb, Observations(("pain",), answers)), "alpha")
    assert alpha.prior == 0.2 and alpha.posterior == 0.2


def test_findings_start_from_the_context_prior(tmp_path):
    kb = variant(tmp_path, _age_modifiers)
    obs = Observations(("pain",), {"age": 70}, {"test_a": {"left": "positive"}})
    alpha = by_id(assess(kb, obs), "alpha")
    assert odds(alpha.raw_posterior) == pytest.approx(odds(0.2) * 3 * 4)


# --- correlated groups ------------------------------------------------------------------------


def test_a_negative_member_never_cancels_a_positive_one(kb):
    # Test A negative (LR- 0.5) is as strong as Test B positive (LR+ 2); the positive counts.
    obs = Observations(
        ("pain",), exam={"test_a": {"left": "negative"}, "test_b": {"none": "positive"}}
    )
    alpha = by_id(assess(kb, obs), "alpha")
    assert [(f.label, f.lr) for f in alpha.supporting] == [("Test B positive", 2.0)]
    assert alpha.opposing == ()
    assert odds(alpha.raw_posterior) == pytest.approx(odds(0.2) * 2)


def test_an_all_negative_group_counts_its_strongest_negative(kb):
    obs = Observations(
        ("pain",), exam={"test_a": {"left": "negative"}, "test_b": {"none": "negative"}}
    )
    alpha = by_id(assess(kb, obs), "alpha")
    assert [f.lr for f in alpha.opposing] == [0.5]


# --- nesting ----------------------------------------------------------------------------------


def _beta_under_alpha(conditions, _data):
    conditions["beta"]["parent"] = "alpha"


def test_a_child_follows_its_parent_and_never_ranks_on_its_own(tmp_path):
    kb = variant(tmp_path, _beta_under_alpha)
    # Pain sitting lifts Beta (the child) to 56 %, far above Alpha's own 20 %.
    result = assess(kb, Observations(("pain",), {"sitting": "yes"}))
    assert [(c.condition_id, c.parent) for c in result.conditions] == [
        ("alpha", None),
        ("beta", "alpha"),
        ("gamma", None),
    ]
    alpha, beta = result.conditions[0], result.conditions[1]
    assert beta.posterior == pytest.approx(1.25 / 2.25)
    assert alpha.posterior == beta.posterior  # the parent carries its group's probability
    assert alpha.specific and alpha.supporting == ()  # specific through its child


def test_the_parent_keeps_its_own_posterior_when_above_its_children(tmp_path):
    kb = variant(tmp_path, _beta_under_alpha)
    obs = Observations(("pain",), {"sitting": "no"}, {"test_a": {"left": "positive"}})
    result = assess(kb, obs)
    alpha, beta = by_id(result, "alpha"), by_id(result, "beta")
    assert alpha.posterior == pytest.approx(0.5) and beta.posterior < alpha.posterior


# --- specific, display limits -----------------------------------------------------------------


def test_a_leader_without_supporting_findings_is_not_specific(kb):
    nothing = assess(kb, Observations(("pain",)))
    assert not any(c.specific for c in nothing.conditions)
    found = assess(kb, Observations(("pain",), {"sitting": "yes"}))
    assert by_id(found, "beta").specific and not by_id(found, "alpha").specific


def _common_alpha(conditions, _data):
    conditions["alpha"]["priors"]["pain"]["value"] = 0.6


def test_a_condition_the_findings_point_to_ranks_above_one_leading_on_its_prior(tmp_path):
    kb = variant(tmp_path, _common_alpha)
    # Alpha (prior 60 %) has nothing in its favour; pain sitting lifts Beta from 20 % to 56 %.
    result = assess(kb, Observations(("pain",), {"sitting": "yes"}))
    alpha, beta = by_id(result, "alpha"), by_id(result, "beta")
    assert alpha.raw_posterior > beta.raw_posterior and not alpha.specific
    assert [c.condition_id for c in result.conditions][:2] == ["beta", "alpha"]
    assert alpha.posterior == pytest.approx(0.6)  # still shown as computed
    # With no supporting finding anywhere, the prior order stands.
    assert assess(kb, Observations(("pain",))).conditions[0].condition_id == "alpha"


def _strong(conditions, _data):
    for link in conditions["alpha"]["links"]:
        link["lr_pos"], link["lr_neg"] = 400.0, 0.001


def test_stacked_evidence_is_capped_for_display_and_the_raw_value_kept(tmp_path):
    kb = variant(tmp_path, _strong)
    obs = Observations(("pain",), exam={"test_a": {"left": "positive"}, "strength": {"left": 2}})
    alpha = by_id(assess(kb, obs), "alpha")
    assert alpha.raw_posterior > 0.999
    assert alpha.posterior == DISPLAY_CEILING
    assert format_probability(alpha.raw_posterior) == "95%"
    low = by_id(assess(kb, Observations(("pain",), exam={"test_a": {"left": "negative"}})), "alpha")
    assert low.raw_posterior < 0.001 and low.posterior == DISPLAY_FLOOR


def test_a_prior_below_the_floor_is_not_lifted_by_it(kb):
    gamma = by_id(assess(kb, Observations(("pain",))), "gamma")
    assert gamma.prior == 0.01 and gamma.posterior == 0.01


@pytest.mark.parametrize(
    ("p", "shown"), [(1.0, "95%"), (0.999, "95%"), (0.5, "50%"), (0.004, "<1%"), (0.0, "<1%")]
)
def test_no_probability_is_ever_shown_as_certain(p, shown):
    assert format_probability(p) == shown


# --- snapshots --------------------------------------------------------------------------------

OLD_SNAPSHOT = {  # the shape signed before nesting, must-exclude, screening and safety net
    "kb_version": "2026.11.1",
    "conditions": [
        {
            "condition_id": "alpha",
            "name": "Alpha",
            "urgency": "routine",
            "prior": 0.2,
            "posterior": 0.5,
            "supporting": [
                {"label": "Test A", "present": True, "lr": 4.0, "source": "src", "estimate": False}
            ],
            "opposing": [],
        },
        {
            "condition_id": "beta",
            "name": "Beta",
            "urgency": "routine",
            "prior": 0.2,
            "posterior": 0.2,
            "supporting": [],
            "opposing": [],
        },
    ],
    "red_flags": [
        {
            "flag_id": "hot",
            "name": "Hot",
            "urgency": "urgent",
            "action": "Refer",
            "source": None,
            "estimate": True,
        }
    ],
    "next_tests": [
        {"kind": "answer", "item_id": "sitting", "name": "Sitting?", "score": 0.3, "reason": "r"}
    ],
}


def test_a_snapshot_signed_in_the_old_shape_still_reads():
    result = Differential.from_dict(json.loads(json.dumps(OLD_SNAPSHOT)))
    alpha, beta = result.conditions
    assert (alpha.parent, alpha.specific, alpha.raw_posterior, alpha.base_prior) == (
        None,
        True,
        0.5,
        0.2,
    )
    assert not beta.specific
    assert result.must_exclude == () and result.screening == () and result.safety_net == ()
    assert result.next_tests[0].safety is False
    assert result.red_flags[0].flag_id == "hot"


def test_a_new_snapshot_round_trips_through_json(tmp_path):
    kb = variant(tmp_path, _beta_under_alpha)
    obs = Observations(("pain",), {"sitting": "yes", "fever": "yes", "drug": "steroid"})
    result = assess(kb, obs)
    assert Differential.from_dict(json.loads(json.dumps(result.to_dict()))) == result
