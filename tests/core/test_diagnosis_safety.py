"""Must-exclude tier, screening status, safety-net advice and the safety-first next test."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.diagnosis import Differential, assess
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.core.observations import Observations
from tests.core.tiny_kb import FILES, write_tiny_kb

TEMPERATURE = {
    "id": "temperature",
    "topic": "Screen",
    "question": "Temperature",
    "answer_type": "number",
    "unit": "°C",
    "minimum": 34,
    "maximum": 42,
}
URINE = {
    "id": "urine",
    "topic": "Screen",
    "question": "Urine colour",
    "answer_type": "single_choice",
    "options": [{"id": "normal", "label": "Normal"}, {"id": "dark", "label": "Dark brown"}],
}


def safety_kb(tmp_path: Path, extra_flags: list[dict[str, Any]] = ()) -> KnowledgeBase:
    """The tiny KB with Gamma (emergency) behind two rules and two extra prompts."""
    data: dict[str, Any] = copy.deepcopy(FILES)
    data["prompts.yaml"] += [TEMPERATURE, URINE]
    data["presentations.yaml"][0]["prompts"] += ["temperature", "urine"]
    # Beta rare: only recorded findings make its rule plausible.
    next(c for c in data["conditions.yaml"] if c["id"] == "beta")["priors"]["pain"]["value"] = 0.02
    flags = {f["id"]: f for f in data["red_flags.yaml"]}
    flags["hot"]["conditions"] = ["gamma"]
    flags["hot"]["screen"] = ["fever", "drug", "test_b"]
    flags["hot"]["safety_net"] = "If you feel hot and shivery, call the surgery today."
    flags["hot"]["safety_net_when"] = {"answer": "sitting", "equals": "yes"}
    data["red_flags.yaml"] += [
        {
            "id": "burning",
            "name": "High fever",
            "urgency": "emergency",
            "estimate": True,
            "rationale": "test",
            "when": {
                "all": [
                    {"answer": "fever", "equals": "yes"},
                    {"answer": "temperature", "at_least": 38},
                ]
            },
            "action": "Send to the emergency department",
            "conditions": ["gamma"],
        },
        {
            "id": "beta_alarm",
            "name": "Beta alarm",
            "urgency": "urgent",
            "estimate": True,
            "rationale": "test",
            "when": {"answer": "urine", "equals": "dark"},
            "action": "Check kidneys today",
            "conditions": ["beta"],
        },
        *extra_flags,
    ]
    return load_knowledge_base(write_tiny_kb(tmp_path / "kb", data))


def ids(result: Differential) -> list[str]:
    return [c.condition_id for c in result.conditions]


# --- must exclude -----------------------------------------------------------------------------


def test_a_fired_urgent_rule_puts_its_condition_first_whatever_its_probability(tmp_path):
    kb = safety_kb(tmp_path)
    obs = Observations(
        ("pain",), {"fever": "yes", "drug": "steroid"}, {"test_a": {"left": "positive"}}
    )
    result = assess(kb, obs)
    assert ids(result)[0] == "gamma"
    assert by(result, "gamma").raw_posterior < by(result, "alpha").raw_posterior
    (row,) = result.must_exclude
    assert (row.condition_id, row.urgency, row.flag_id, row.action) == (
        "gamma",
        "urgent",
        "hot",
        "Refer today",
    )
    assert result.leading is not None and result.leading.condition_id == "gamma"


def by(result: Differential, cid: str):
    return next(c for c in result.conditions if c.condition_id == cid)


def test_emergencies_lead_urgent_conditions_and_a_condition_appears_once(tmp_path):
    kb = safety_kb(tmp_path)
    answers = {"fever": "yes", "drug": "steroid", "temperature": 39, "urine": "dark"}
    result = assess(kb, Observations(("pain",), answers))
    # Gamma is named by an urgent and an emergency rule: once, under the emergency one.
    assert [(m.condition_id, m.flag_id, m.urgency) for m in result.must_exclude] == [
        ("gamma", "burning", "emergency"),
        ("beta", "beta_alarm", "urgent"),
    ]
    assert ids(result)[:2] == ["gamma", "beta"]


def test_a_routine_rule_does_not_reorder_the_list(tmp_path):
    kb = safety_kb(tmp_path)
    from desktop_app.core.observations import Mark

    obs = Observations(("dent",), {"age": 80}, marks=(Mark("buttock", "depression", "left"),))
    result = assess(kb, obs)
    assert [f.flag_id for f in result.red_flags] == ["old"]
    assert result.must_exclude == ()


def test_a_must_exclude_child_brings_its_group_to_the_top(tmp_path):
    data: dict[str, Any] = copy.deepcopy(FILES)
    conditions = {c["id"]: c for c in data["conditions.yaml"]}
    conditions["gamma"]["parent"] = "beta"
    conditions["gamma"]["urgency"] = "emergency"
    next(f for f in data["red_flags.yaml"] if f["id"] == "hot")["conditions"] = ["gamma"]
    kb = load_knowledge_base(write_tiny_kb(tmp_path / "kb", data))
    obs = Observations(
        ("pain",), {"fever": "yes", "drug": "steroid"}, {"test_a": {"left": "positive"}}
    )
    result = assess(kb, obs)
    assert ids(result) == ["beta", "gamma", "alpha"]
    assert [m.condition_id for m in result.must_exclude] == ["gamma"]


# --- screening and safety net -----------------------------------------------------------------


def screen_of(result: Differential, flag_id: str):
    return next(s for s in result.screening if s.flag_id == flag_id)


def test_an_unanswered_screen_is_incomplete_and_names_what_is_missing(tmp_path):
    kb = safety_kb(tmp_path)
    hot = screen_of(assess(kb, Observations(("pain",))), "hot")
    # "Which drug?" is hidden until fever is yes: not required yet.
    assert (hot.status, hot.unanswered) == ("incomplete", ("fever", "test_b"))
    unknown = screen_of(assess(kb, Observations(("pain",), {"fever": "unknown"})), "hot")
    assert unknown.unanswered == ("fever", "test_b")
    shown = screen_of(assess(kb, Observations(("pain",), {"fever": "yes"})), "hot")
    assert shown.unanswered == ("drug", "test_b")


def test_a_fully_answered_quiet_screen_is_negative(tmp_path):
    kb = safety_kb(tmp_path)
    obs = Observations(("pain",), {"fever": "no"}, {"test_b": {"none": "negative"}})
    assert screen_of(assess(kb, obs), "hot").status == "negative"
    inconclusive = Observations(("pain",), {"fever": "no"}, {"test_b": {"none": "inconclusive"}})
    assert screen_of(assess(kb, inconclusive), "hot").unanswered == ("test_b",)


def test_a_fired_rule_screens_as_fired(tmp_path):
    kb = safety_kb(tmp_path)
    result = assess(kb, Observations(("pain",), {"fever": "yes", "drug": "steroid"}))
    assert screen_of(result, "hot").status == "fired"
    assert [s.flag_id for s in result.screening] == ["hot"]  # only rules with a screen


def test_screen_items_the_visit_cannot_ask_are_not_required(tmp_path):
    kb = safety_kb(tmp_path)
    # The "dent" presentation asks neither fever nor test B.
    assert assess(kb, Observations(("dent",))).screening == ()


def test_safety_net_advice_for_a_patient_at_risk_or_a_fired_rule(tmp_path):
    kb = safety_kb(tmp_path)
    assert assess(kb, Observations(("pain",))).safety_net == ()
    at_risk = assess(kb, Observations(("pain",), {"sitting": "yes"})).safety_net
    assert [(s.flag_id, s.text[:7]) for s in at_risk] == [("hot", "If you ")]
    fired = assess(kb, Observations(("pain",), {"fever": "yes", "drug": "steroid"})).safety_net
    assert [s.flag_id for s in fired] == ["hot"]


# --- next best test, safety first -------------------------------------------------------------


def test_the_item_that_could_fire_an_emergency_is_proposed_first(tmp_path):
    kb = safety_kb(tmp_path)
    # Fever recorded: Gamma rises (x10) and "High fever" needs only the temperature.
    result = assess(kb, Observations(("pain",), {"fever": "yes"}))
    first = result.next_tests[0]
    assert (first.item_id, first.safety) == ("temperature", True)
    assert "38 or more" in first.reason and "High fever" in first.reason
    second = result.next_tests[1]  # then the urgent rule's single-choice item
    assert (second.item_id, second.safety) == ("drug", True)
    assert "Steroid" in second.reason


def test_a_single_choice_item_can_be_a_safety_test(tmp_path):
    kb = safety_kb(tmp_path)
    # Beta raised by pain on sitting: its urgent rule fires on dark urine.
    result = assess(kb, Observations(("pain",), {"sitting": "yes"}))
    first = result.next_tests[0]
    assert (first.item_id, first.safety) == ("urine", True)
    assert "Dark brown" in first.reason


def test_a_measurement_threshold_can_be_a_safety_test(tmp_path):
    weak = {
        "id": "weak_leg",
        "name": "Weak leg",
        "urgency": "urgent",
        "estimate": True,
        "rationale": "test",
        "when": {"all": [{"answer": "sitting", "equals": "yes"}, {"exam": "strength", "below": 3}]},
        "action": "Same-day review",
        "conditions": ["alpha"],
    }
    kb = safety_kb(tmp_path, [weak])
    result = assess(kb, Observations(("pain",), {"sitting": "yes", "urine": "normal"}))
    tests = {t.item_id: t for t in result.next_tests if t.safety}
    assert "strength" in tests and "below 3" in tests["strength"].reason


def test_an_implausible_rule_proposes_nothing(tmp_path):
    kb = safety_kb(tmp_path)
    # Nothing recorded: Gamma is at its 1 % prior, no rule is partly met, nobody is at risk.
    result = assess(kb, Observations(("pain",)))
    assert not any(t.safety for t in result.next_tests)
    # Fever denied: the fever rules can no longer fire, so temperature is no safety test.
    denied = assess(kb, Observations(("pain",), {"fever": "no"}))
    assert "temperature" not in [t.item_id for t in denied.next_tests if t.safety]


def test_a_common_condition_at_its_prior_does_not_make_its_rule_a_safety_check(tmp_path):
    """A rule naming a common condition (Alpha, 20 %, as "sciatica" for a marked weakness) is
    proposed once a finding has raised it, not at every visit's start."""
    weak = {
        "id": "marked_weakness",
        "name": "Marked weakness",
        "urgency": "urgent",
        "estimate": True,
        "rationale": "test",
        "when": {"exam": "strength", "below": 3},
        "action": "Urgent referral",
        "conditions": ["alpha"],
    }
    kb = safety_kb(tmp_path, [weak])
    start = assess(kb, Observations(("pain",)))
    assert "strength" not in [t.item_id for t in start.next_tests if t.safety]
    raised = assess(kb, Observations(("pain",), exam={"test_a": {"left": "positive"}}))
    assert "strength" in [t.item_id for t in raised.next_tests if t.safety]


def test_a_fired_rule_is_not_proposed_again(tmp_path):
    kb = safety_kb(tmp_path)
    result = assess(kb, Observations(("pain",), {"fever": "yes", "drug": "steroid"}))
    assert [t.item_id for t in result.next_tests if t.safety] == ["temperature"]


@pytest.mark.parametrize("limit_holds", [True])
def test_next_tests_never_propose_recorded_or_hidden_items(tmp_path, limit_holds):
    kb = safety_kb(tmp_path)
    obs = Observations(("pain",), {"fever": "no", "sitting": "yes"})
    result = assess(kb, obs)
    proposed = [t.item_id for t in result.next_tests]
    assert "fever" not in proposed and "sitting" not in proposed and "drug" not in proposed
    assert sum(t.safety for t in result.next_tests) <= 3 and len(proposed) <= 6 and limit_holds
