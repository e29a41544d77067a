"""An assessment that reuses the previous one (core.memo) equals a fresh one, to the last bit.

`scores` keeps the Score of every condition none of whose items changed since the previous
assessment, and rows and next-test moves derived from a kept Score are reused; a visit answered
one result at a time, and a record edited in place by its caller, must give exactly what an
assessment with nothing remembered gives.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app import paths
from desktop_app.core import memo
from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import load_knowledge_base
from desktop_app.core.next_test import candidates, hypothetical, outcomes
from desktop_app.core.observations import NO_SIDE, Observations
from tests.core.strategies import observations

KB = load_knowledge_base(paths.KNOWLEDGE_BASE)


def _fresh(obs: Observations):
    memo.store(KB).clear()
    return assess(KB, obs)


@settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(observations(KB), st.data())
def test_a_visit_answered_one_result_at_a_time_equals_a_fresh_assessment(obs, data):
    for _ in range(4):
        following = assess(KB, obs)  # after the previous state was assessed
        assert following == _fresh(obs)
        assess(KB, obs)  # remember this state again for the next step
        unrecorded = candidates(KB, obs)
        if not unrecorded:
            return
        kind, item_id, _ = data.draw(st.sampled_from(unrecorded))
        value, _ = data.draw(st.sampled_from(outcomes(KB, kind, item_id) or [("yes", "")]))
        obs = hypothetical(KB, obs, kind, item_id, value)


def test_a_record_edited_in_place_is_not_mistaken_for_the_previous_one():
    item = next(
        i
        for i in KB.exam_items.values()
        if i.result_type == "binary" and not i.sided and ("exam", i.id) in KB.links_by_item
    )
    sides = {NO_SIDE: "negative"}
    obs = Observations(("buttock_pain",), {}, {item.id: sides}, ())
    memo.store(KB).clear()
    assess(KB, obs)
    sides[NO_SIDE] = "positive"  # the caller's mapping changes after the assessment
    assert assess(KB, obs) == _fresh(obs)
    assert assess(KB, obs) != _fresh(
        Observations(("buttock_pain",), {}, {item.id: {NO_SIDE: "negative"}}, ())
    )
