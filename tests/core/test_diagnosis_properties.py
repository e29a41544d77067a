"""Properties of the engine over the shipped knowledge base (hypothesis)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app import paths
from desktop_app.core.diagnosis import assess, visible
from desktop_app.core.kb_loader import load_knowledge_base
from desktop_app.core.predicates import AnswerIs, ExamIs
from tests.core.strategies import observations

KB = load_knowledge_base(paths.KNOWLEDGE_BASE)
FAST = settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@FAST
@given(observations(KB))
def test_any_valid_record_gives_a_valid_deterministic_ranking(obs):
    first, second = assess(KB, obs), assess(KB, obs)
    assert first == second
    assert {c.condition_id for c in first.conditions} == set(KB.conditions)
    posteriors = [c.posterior for c in first.conditions]
    assert posteriors == sorted(posteriors, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in posteriors)
    for test in first.next_tests:
        assert not obs.is_recorded(test.kind, test.item_id)


def _simple_positive_links():
    """(condition, kind, item) where one leaf link reads the item as present with LR+ > 1."""
    found = []
    for c in KB.conditions.values():
        for link in c.links:
            leaf = link.when
            if isinstance(leaf, ExamIs) and leaf.op == "is" and leaf.operand == "positive":
                ref = ("exam", leaf.item_id)
            elif isinstance(leaf, AnswerIs) and leaf.op == "equals" and leaf.operand == "yes":
                ref = ("answer", leaf.prompt_id)
            else:
                continue
            shared = sum(ref in set(o.when.references()) for o in c.links)
            if link.lr_pos > 1 and shared == 1:
                found.append((c.id, *ref))
    return found


LINKS = _simple_positive_links()


@pytest.mark.skipif(not LINKS, reason="no simple positive links in the knowledge base")
@FAST
@given(observations(KB), st.sampled_from(LINKS or [("", "", "")]))
def test_a_finding_with_lr_above_one_never_lowers_its_condition(obs, link):
    condition_id, kind, item_id = link
    # A consistent record: no stored answers hidden by show-when that the new answer would reveal.
    obs = visible(KB, obs)
    if obs.is_recorded(kind, item_id):
        return
    before = next(c for c in assess(KB, obs).conditions if c.condition_id == condition_id)
    if kind == "exam":
        side = "left" if KB.exam_items[item_id].sided else "none"
        after_obs = obs.with_exam(item_id, side, "positive")
    else:
        after_obs = obs.with_answer(item_id, "yes")
    after = next(c for c in assess(KB, after_obs).conditions if c.condition_id == condition_id)
    assert after.posterior >= before.posterior
