"""The incremental next best test gives exactly what the straightforward search gives (hypothesis).

Random visits of the shipped and the tiny knowledge base; the reference re-scores every
condition and re-evaluates every rule whole for each hypothetical result
(tests/core/reference_next_test.py). Equal means equal: the same tests, order, scores (to the
last bit) and reasons.
"""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app import paths
from desktop_app.core import memo
from desktop_app.core.diagnosis import visible
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.core.next_test import candidates, hypothetical, next_best_tests, outcomes
from desktop_app.core.observations import Observations
from desktop_app.core.ranking import leaders
from desktop_app.core.safety import fired_flags, must_exclude
from desktop_app.core.scoring import score
from tests.core.reference_next_test import reference_next_best_tests
from tests.core.strategies import observations
from tests.core.tiny_kb import tiny_kb

KB = load_knowledge_base(paths.KNOWLEDGE_BASE)
TINY = tiny_kb(Path(tempfile.mkdtemp(prefix="tiny_kb_")))
# Sized to stay well inside the suite's 120 s per-test timeout on the loaded 2-core machine.
MANY = settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
STEPS = settings(MANY, max_examples=40)


def _both(kb: KnowledgeBase, obs: Observations, limit: int) -> None:
    obs = visible(kb, obs)
    scores = {c.id: score(c, obs) for c in kb.conditions.values()}
    flags = fired_flags(kb, obs)
    fired = {f.id for f in flags}
    excluded = must_exclude(kb, flags, {cid: s.posterior for cid, s in scores.items()})
    chosen = leaders(scores, excluded)  # the panel's leaders (core.ranking), shared by both
    expected = reference_next_best_tests(kb, obs, scores, fired, chosen, limit)
    assert next_best_tests(kb, obs, scores, fired, chosen, limit) == expected


@MANY
@given(observations(KB), st.sampled_from([3, 50]))
def test_the_shipped_knowledge_base_gives_the_reference_result(obs, limit):
    _both(KB, obs, limit)


@MANY
@given(observations(TINY), st.sampled_from([3, 50]))
def test_the_tiny_knowledge_base_gives_the_reference_result(obs, limit):
    _both(TINY, obs, limit)


@STEPS
@given(observations(KB), st.data())
def test_a_visit_answered_one_result_at_a_time_gives_the_reference_result(obs, data):
    """What is remembered from earlier states of the visit never changes a later result."""
    obs = visible(KB, obs)
    for _ in range(4):
        _both(KB, obs, 3)
        unrecorded = candidates(KB, obs)
        if not unrecorded:
            return
        kind, item_id, _ = data.draw(st.sampled_from(unrecorded))
        results = outcomes(KB, kind, item_id) or [("yes", "")]
        value, _ = data.draw(st.sampled_from(results))
        obs = visible(KB, hypothetical(KB, obs, kind, item_id, value))


def test_a_full_store_is_emptied_and_results_stay_the_same(monkeypatch):
    monkeypatch.setattr(memo, "MAX_ENTRIES", 5)
    memo.store(KB).clear()
    obs = Observations(("buttock_pain",))
    _both(KB, obs, 3)
    assert len(memo.store(KB)._results) <= 5
    _both(KB, obs, 3)
