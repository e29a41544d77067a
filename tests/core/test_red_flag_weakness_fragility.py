"""Marked leg weakness: a leg muscle at MRC 3 or less is an urgent referral, a grade 4 is not.

Each test pairs the presentation a branch exists for with the everyday patient it must leave
quiet (sources and the sentences relied on: resources/knowledge_base/red_flags.yaml).
"""

from __future__ import annotations

from desktop_app.core.knowledge import KnowledgeBase
from tests.core.red_flag_pairs import SCIATICA, Case, fired, visit


def alarms(kb: KnowledgeBase, data: Case) -> dict[str, str]:
    return {k: v for k, v in fired(kb, data).items() if v != "routine"}


def test_a_leg_muscle_at_grade_3_for_weeks_is_an_urgent_referral_not_an_emergency(shipped):
    # Manchester spinal service: weakness 3/5 or less is an indication for urgent referral.
    weeks = {**SCIATICA, "age_years": 36, "symptom_duration": 4, "progressive_weakness": "no"}
    hip = visit(
        weeks, {"weakest_leg_muscle_mrc": {"left": 3}, "neuro_myotomes": {"left": "positive"}}
    )
    assert alarms(shipped, hip) == {"marked_motor_weakness": "urgent"}
    # The same grade that began this week is the emergency (NHS Lothian: acute foot drop).
    new = visit({**weeks, "symptom_duration": 1}, {"weakest_leg_muscle_mrc": {"left": 3}})
    assert fired(shipped, new).get("severe_motor_deficit") == "emergency"
    # A single-root disc sciatica, a grade down in two L5 muscles: the routine review only.
    disc = visit(weeks, {"ehl_mrc": {"left": 4}, "weakest_leg_muscle_mrc": {"left": 4}})
    assert alarms(shipped, disc) == {}
    assert fired(shipped, disc).get("neurological_deficit") == "routine"
