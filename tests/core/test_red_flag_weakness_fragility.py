"""Marked leg weakness, and the fragility-fracture branches narrowed to what their sources say.

Each test pairs the presentation a branch exists for with the everyday patient it must leave
quiet (sources and the sentences relied on: resources/knowledge_base/red_flags.yaml).
"""

from __future__ import annotations

from desktop_app.core.knowledge import KnowledgeBase
from tests.core.red_flag_pairs import RIGHT_NEG, RIGHT_POS, SCIATICA, Case, fired, visit

NO_FRAGILITY = {"osteoporosis": "no", "long_term_steroids": "no", "pelvic_radiotherapy": "no"}
NO_TRAUMA = {"trauma_or_fall": "no", "minor_trauma": "no", "high_energy_trauma": "no"}


def alarms(kb: KnowledgeBase, data: Case) -> dict[str, str]:
    return {k: v for k, v in fired(kb, data).items() if v != "routine"}


def pain_at(*regions: str) -> list[dict[str, str]]:
    return [{"region": r, "symptom": "pain", "side": "right"} for r in regions]


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


def test_a_painful_hop_at_76_is_no_fracture_alarm_without_bone_fragility(shipped):
    older = {"age_years": 76, "sex": "male", **NO_FRAGILITY, **NO_TRAUMA, "symptom_duration": 8}
    # Lateral hip pain with a painful hop: a gluteal tendinopathy or hip osteoarthritis.
    hop = visit(older, {"hop_test_pain": RIGHT_POS}, pain_at("greater_trochanter"))
    assert "insufficiency_fracture" not in fired(shipped, hop)
    # A tender sacrum at the same age still fires it; so does a painful hop with osteoporosis.
    sacrum = visit(older, {"sacral_tenderness": RIGHT_POS}, pain_at("central_buttock"))
    assert fired(shipped, sacrum).get("insufficiency_fracture") == "urgent"
    fragile = visit({**older, "osteoporosis": "yes"}, {"hop_test_pain": RIGHT_POS})
    assert fired(shipped, fragile).get("insufficiency_fracture") == "urgent"


def test_new_groin_pain_that_limits_walking_at_75_is_not_a_fracture_alarm_on_its_own(shipped):
    woman = {"age_years": 75, "sex": "female", **NO_FRAGILITY, **NO_TRAUMA}
    groin = {**woman, "symptom_duration": 6, "walking_limited": "yes", "groin_pain": "yes"}
    # A flare of hip osteoarthritis: gradual, groin, walking limited, no fragility, no fall.
    arthritis = visit(
        {**groin, "onset_type": "gradual", "pain_weight_bearing": "yes"},
        {"hip_internal_rotation_reduced": RIGHT_POS, "sacral_tenderness": RIGHT_NEG},
        pain_at("groin"),
    )
    assert alarms(shipped, arthritis) == {}
    # The same woman with new back and buttock pain that limits walking (Henschke 2009).
    back = visit(
        {**woman, "symptom_duration": 6, "walking_limited": "yes"}, marks=pain_at("lumbar")
    )
    assert fired(shipped, back).get("insufficiency_fracture") == "urgent"
    # Groin pain limiting walking with osteoporosis is still the fragility branch.
    fragile = visit({**groin, "osteoporosis": "yes"}, marks=pain_at("groin"))
    assert fired(shipped, fragile).get("insufficiency_fracture") == "urgent"


def test_a_fall_at_66_with_a_bruised_buttock_that_hurts_on_walking_is_no_fracture_alarm(shipped):
    fall = {"age_years": 66, "minor_trauma": "yes", "symptom_duration": 1, **NO_FRAGILITY}
    bruise = visit(
        {**fall, "pain_weight_bearing": "yes", "groin_pain": "no", "walking_limited": "no"},
        {"antalgic_gait": RIGHT_NEG},
        pain_at("central_buttock", "upper_outer_buttock"),
    )
    assert "fracture" not in fired(shipped, bruise)
    # The same fall with weight-bearing pain at the hip: RCEM, any older person with hip pain.
    hip = visit({**fall, "pain_weight_bearing": "yes"}, marks=pain_at("greater_trochanter"))
    assert fired(shipped, hip).get("fracture") == "urgent"
    limp = visit(fall, {"antalgic_gait": RIGHT_POS}, pain_at("central_buttock"))
    assert fired(shipped, limp).get("fracture") == "urgent"


def test_steroids_with_back_pain_alarm_until_the_duration_shows_the_pain_is_old(shipped):
    # Unknown duration counts as new, as in every rule: the alarm asks for the duration.
    steroids = {"age_years": 50, "long_term_steroids": "yes", **NO_TRAUMA}
    blank = visit(steroids, marks=pain_at("lumbar"))
    assert fired(shipped, blank).get("fracture") == "urgent"
    old = visit(
        {**steroids, "symptom_duration": 104, "onset_type": "gradual"}
        | {"progressive_symptoms": "no", "pain_weight_bearing": "no"},
        marks=pain_at("lumbar"),
    )
    assert alarms(shipped, old) == {}
