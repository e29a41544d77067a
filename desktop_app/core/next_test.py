"""The next best test: safety first, then the largest expected change in the leading candidates.

1. Safety (core.safety_search): an unrecorded item one of whose results would make a plausible
   urgent or emergency rule fire.
2. Expected change (core.expected_change): every other unrecorded item that reads one of the
   leaders (core.ranking), by the expected sum of the leaders' probability changes over its
   possible results (core.simulation), each weighted by its predicted probability.

Both are incremental (remembered per knowledge base, core.memo, and re-evaluating only what the
simulated item changes); tests/core/test_next_test_incremental.py holds them equal to a plain
re-scoring of everything (tests/core/reference_next_test.py).
"""

from __future__ import annotations

from desktop_app.core.differential import NextTest
from desktop_app.core.expected_change import expected_change_tests
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Observations
from desktop_app.core.safety_search import Carry, safety_tests
from desktop_app.core.scoring import Score
from desktop_app.core.simulation import Candidate, candidates, hypothetical, outcomes

__all__ = [
    "Candidate",
    "candidates",
    "expected_change_tests",
    "hypothetical",
    "next_best_tests",
    "outcomes",
    "safety_tests",
]


def next_best_tests(
    kb: KnowledgeBase,
    obs: Observations,
    scores: dict[str, Score],
    fired_ids: set[str],
    leaders: tuple[str, ...],
    limit: int = 3,
    carry: Carry | None = None,
) -> tuple[NextTest, ...]:
    """Up to `limit` safety tests, then up to `limit` by expected change across `leaders`
    (core.ranking.leaders); a display shows the first few, so safety always shows first.
    `carry`: what core.diagnosis knows of the previous assessment (safety_search.safety_tests)."""
    cands = candidates(kb, obs)
    safety = safety_tests(kb, obs, scores, fired_ids, cands, carry)
    taken = {(t.kind, t.item_id) for t in safety}
    rest = [c for c in cands if c[:2] not in taken]
    return tuple(safety[:limit] + expected_change_tests(kb, obs, scores, leaders, rest, limit))
