"""An assessment that reuses the previous one (core.memo) equals a fresh one, to the last bit.

`scores` keeps the Score of every condition none of whose items changed since the previous
assessment, core.rule_state every rule's truth, screening row and safety-net state, and rows
and next-test effects derived from a kept Score are reused; a visit edited in any order (results
recorded, changed and removed, presentations and body-chart marks changed, the memory emptied),
and a record edited in place by its caller, must give exactly what the plain computation gives
(tests/core/reference_next_test.py: every condition scored and every rule evaluated afresh).
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app import paths
from desktop_app.core import memo
from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import load_knowledge_base
from desktop_app.core.next_test import candidates, hypothetical, outcomes
from desktop_app.core.observations import NO_SIDE, Mark, Observations
from tests.core.reference_next_test import reference_assess
from tests.core.strategies import answer_values, observations

KB = load_knowledge_base(paths.KNOWLEDGE_BASE)


def _fresh(obs: Observations):
    return reference_assess(KB, obs)


@settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(observations(KB), st.data())
def test_a_visit_answered_one_result_at_a_time_equals_a_fresh_assessment(obs, data):
    for _ in range(4):
        following = assess(KB, obs)  # after the previous state was assessed
        assert following == _fresh(obs)
        unrecorded = candidates(KB, obs)
        if not unrecorded:
            return
        kind, item_id, _ = data.draw(st.sampled_from(unrecorded))
        value, _ = data.draw(st.sampled_from(outcomes(KB, kind, item_id) or [("yes", "")]))
        obs = hypothetical(KB, obs, kind, item_id, value)


def _edited(obs: Observations, data: st.DataObject) -> Observations:
    """One edit a clinician (or the app) makes to a visit, drawn at random."""
    answers, exam = dict(obs.answers), {k: dict(v) for k, v in obs.exam.items()}
    edit = data.draw(st.sampled_from(["record", "change", "remove", "presentations", "mark"]))
    if edit == "record" and candidates(KB, obs):
        kind, item_id, _ = data.draw(st.sampled_from(candidates(KB, obs)))
        value, _ = data.draw(st.sampled_from(outcomes(KB, kind, item_id) or [("yes", "")]))
        return hypothetical(KB, obs, kind, item_id, value)
    if edit == "change" and answers:
        pid = data.draw(st.sampled_from(sorted(answers)))
        answers[pid] = data.draw(answer_values(KB.prompts[pid]))
    elif edit == "remove" and (answers or exam):
        ref = data.draw(
            st.sampled_from(sorted([("answer", k) for k in answers] + [("exam", k) for k in exam]))
        )
        (answers if ref[0] == "answer" else exam).pop(ref[1])
    elif edit == "presentations":
        chosen = data.draw(
            st.lists(st.sampled_from(sorted(KB.presentations)), min_size=1, max_size=2, unique=True)
        )
        return Observations(tuple(chosen), answers, exam, obs.marks)
    elif edit == "mark":
        regions = [r.id for r in KB.body_chart.regions]
        symptoms = [s.id for s in KB.body_chart.symptoms]
        mark = Mark(
            data.draw(st.sampled_from(regions)), data.draw(st.sampled_from(symptoms)), "left"
        )
        marks = set(obs.marks) ^ {mark}
        return Observations(obs.presentations, answers, exam, tuple(sorted(marks)))
    return Observations(obs.presentations, answers, exam, obs.marks)


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(observations(KB), st.data())
def test_any_sequence_of_edits_gives_the_plain_assessment(obs, data):
    """Rules fired, screening, safety-net advice, ranking and next tests after every edit."""
    for _ in range(6):
        if data.draw(st.integers(0, 9)) == 0:
            memo.store(KB).clear()  # what depends on the knowledge base alone is kept
        assert assess(KB, obs) == _fresh(obs)
        obs = _edited(obs, data)


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
