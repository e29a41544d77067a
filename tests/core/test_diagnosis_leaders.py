"""One rule for the leaders: the next best test separates the groups the panel shows first.

Tiny knowledge bases (tests/core/tiny_kb.py) where the raw-probability order and the display order
(core.ranking: must exclude, then groups the record points to, then the rest) differ.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings

from desktop_app.core.diagnosis import Differential, assess, visible
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.core.observations import Observations
from desktop_app.core.ranking import LEADING, leaders
from desktop_app.core.safety import fired_flags, must_exclude
from desktop_app.core.scoring import score
from tests.core.strategies import observations
from tests.core.tiny_kb import FILES, write_tiny_kb

COMMON = {
    "id": "common",
    "name": "Common",
    "description": "A common condition",
    "urgency": "routine",
    "priors": {
        "pain": {"value": 0.6, "estimate": True, "rationale": "test"},
        "dent": {"value": 0.6, "estimate": True, "rationale": "test"},
    },
    "links": [
        {
            "label": "Test B positive",
            "when": {"exam": "test_b", "is": "positive"},
            "lr_pos": 3.0,
            "estimate": True,
            "rationale": "test",
        }
    ],
}


def _kb(tmp_path: Path, change=None) -> KnowledgeBase:
    data: dict[str, Any] = copy.deepcopy(FILES)
    data["conditions.yaml"].append(copy.deepcopy(COMMON))
    if change:
        change({c["id"]: c for c in data["conditions.yaml"]}, data)
    return load_knowledge_base(write_tiny_kb(tmp_path / "kb", data))


def _leaders(kb: KnowledgeBase, obs: Observations) -> tuple[str, ...]:
    obs = visible(kb, obs)
    scores = {c.id: score(c, obs) for c in kb.conditions.values()}
    raw = {cid: s.posterior for cid, s in scores.items()}
    return leaders(scores, must_exclude(kb, fired_flags(kb, obs), raw))


def _top_groups(result: Differential) -> list[str]:
    return [c.condition_id for c in result.conditions if c.parent is None][:LEADING]


# Beta 56 % (pain sitting), Gamma 9 % (fever) are specific; Common 60 % leads on its prior alone;
# Alpha 11 % (Test A negative) has nothing for it. By raw probability the leaders would be Common,
# Beta, Alpha; the panel shows Beta, Gamma, Common.
SPECIFIC_BELOW_COMMON = Observations(
    ("pain",), {"sitting": "yes", "fever": "yes"}, {"test_a": {"left": "negative"}}
)


def test_the_leaders_are_the_groups_the_panel_shows_first(tmp_path):
    kb = _kb(tmp_path)
    result = assess(kb, SPECIFIC_BELOW_COMMON)
    assert _top_groups(result) == ["beta", "gamma", "common"]
    assert _leaders(kb, SPECIFIC_BELOW_COMMON) == ("beta", "gamma", "common")


def test_an_item_that_moves_only_a_condition_outside_the_leaders_is_not_proposed(tmp_path):
    kb = _kb(tmp_path)
    tests = {t.item_id: t for t in assess(kb, SPECIFIC_BELOW_COMMON).next_tests}
    # Strength reads only Alpha (fourth on the panel, second-highest raw odds but one).
    assert "strength" not in tests
    # Test B reads Alpha and Common: only the leader's change is counted and shown.
    assert "Common ×3" in tests["test_b"].reason and "Alpha" not in tests["test_b"].reason


def _beta_under_alpha(conditions, _data):
    conditions["beta"]["parent"] = "alpha"


def test_a_group_gives_one_leader_the_member_whose_probability_it_carries(tmp_path):
    kb = _kb(tmp_path, _beta_under_alpha)
    obs = Observations(("pain",), {"sitting": "yes"})
    # Group Alpha carries Beta's 56 %: Beta leads it, Alpha is not counted a second time.
    assert _top_groups(assess(kb, obs)) == ["alpha", "common", "gamma"]
    assert _leaders(kb, obs) == ("beta", "common", "gamma")
    obs = Observations(("pain",), {"sitting": "no"}, {"test_a": {"left": "positive"}})
    assert _leaders(kb, obs)[0] == "alpha"  # Alpha's own 50 % above Beta's 5 %


def _hot_names_gamma(_conditions, data):
    next(f for f in data["red_flags.yaml"] if f["id"] == "hot")["conditions"] = ["gamma"]


def test_a_must_exclude_condition_leads_the_next_test_as_it_leads_the_panel(tmp_path):
    kb = _kb(tmp_path, _hot_names_gamma)
    obs = Observations(("pain",), {"sitting": "yes", "fever": "yes", "drug": "steroid"})
    result = assess(kb, obs)
    assert [m.condition_id for m in result.must_exclude] == ["gamma"]
    assert _top_groups(result) == ["gamma", "beta", "common"]
    assert _leaders(kb, obs) == ("gamma", "beta", "common")


def test_with_nothing_recorded_the_leaders_are_the_most_probable_groups(tmp_path):
    kb = _kb(tmp_path)
    assert _leaders(kb, Observations(("pain",))) == ("common", "alpha", "beta")


NESTED = _kb(Path(tempfile.mkdtemp(prefix="tiny_leaders_")), _beta_under_alpha)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(observations(NESTED))
def test_the_leaders_are_one_member_of_each_of_the_panels_first_groups(obs):
    result = assess(NESTED, obs)
    group_of = {c.condition_id: c.parent or c.condition_id for c in result.conditions}
    assert [group_of[cid] for cid in _leaders(NESTED, obs)] == _top_groups(result)
    assert result.leaders == _leaders(NESTED, obs)  # what the plan offers next steps for


def test_a_snapshot_signed_before_leaders_were_stored_offers_its_first_groups(tmp_path):
    kb = _kb(tmp_path, _beta_under_alpha)
    result = assess(kb, Observations(("pain",), {"sitting": "yes"}))
    assert result.leading_groups(2) == ("beta", "common")
    stored = result.to_dict()
    del stored["leaders"]
    old = Differential.from_dict(stored)
    assert old.leaders == () and old.leading_groups(2) == ("alpha", "common")
