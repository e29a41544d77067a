"""A limping child with a fever, new back pain of exactly 3 months in a woman of 70, and a stress
fracture after a rise in activity outside running.

Each test pairs the presentation a rule or branch exists for with the everyday patient it must
leave quiet (sources and the sentences relied on: resources/knowledge_base/red_flags.yaml).
"""

from __future__ import annotations

from desktop_app.core.knowledge import KnowledgeBase
from tests.core.red_flag_pairs import RIGHT_POS, Case, fired, visit

NO_FRAGILITY = {"osteoporosis": "no", "long_term_steroids": "no", "pelvic_radiotherapy": "no"}
NO_TRAUMA = {"trauma_or_fall": "no", "minor_trauma": "no", "high_energy_trauma": "no"}


def alarms(kb: KnowledgeBase, data: Case) -> dict[str, str]:
    return {k: v for k, v in fired(kb, data).items() if v != "routine"}


def pain_at(*regions: str) -> list[dict[str, str]]:
    return [{"region": r, "symptom": "pain", "side": "right"} for r in regions]


def test_a_limping_child_with_a_fever_is_seen_the_same_day(shipped):
    # Royal Cornwall children's limp guideline: fever in the preceding week, or an unwell
    # child, calls for same-day assessment; the child still walks, so no weight-bearing rule.
    child = {"age_years": 11, "sex": "male", "symptom_side": "right", "symptom_duration": 1}
    febrile = visit({**child, "fever": "yes", "limp_reported": "yes"})
    assert fired(shipped, febrile).get("child_fever_limp") == "emergency"
    # A limp seen in the clinic with a raised temperature counts the same way.
    measured = visit(child, {"antalgic_gait": RIGHT_POS, "body_temperature": 38.6})
    assert fired(shipped, measured).get("child_fever_limp") == "emergency"
    # An unwell child with a limp and no fever recorded is one of the guideline's red features.
    unwell = visit({**child, "systemically_unwell": "yes", "limp_reported": "yes"})
    assert fired(shipped, unwell).get("child_fever_limp") == "emergency"


def test_a_child_limping_after_a_knock_without_a_fever_is_no_emergency(shipped):
    knock = {"age_years": 9, "sex": "female", "symptom_duration": 0.5, "minor_trauma": "yes"}
    bruise = visit(
        {**knock, "limp_reported": "yes", "fever": "no", "systemically_unwell": "no"},
        {"antalgic_gait": RIGHT_POS},
        pain_at("central_buttock"),
    )
    assert "emergency" not in fired(shipped, bruise).values()
    # A fever without a limp is the adult infection rule's urgent review, not this rule.
    fever_only = visit({**knock, "fever": "yes", "limp_reported": "no"})
    assert "child_fever_limp" not in fired(shipped, fever_only)
    # A limping adult with a fever is not a child.
    adult = visit({**knock, "age_years": 30, "fever": "yes", "limp_reported": "yes"})
    assert "child_fever_limp" not in fired(shipped, adult)


def test_back_pain_of_three_months_in_a_woman_of_73_is_still_new(shipped):
    # The branch's "new" ends where chronic pain begins: more than 3 months (IASP, Treede 2019).
    woman = {"age_years": 73, "sex": "female", **NO_FRAGILITY, **NO_TRAUMA}
    three_months = visit(
        {**woman, "symptom_duration": 13, "walking_limited": "yes"}, marks=pain_at("lumbar")
    )
    assert fired(shipped, three_months).get("insufficiency_fracture") == "urgent"
    # Four months of the same pain is long-standing (stenosis, osteoarthritis): no alarm.
    four_months = visit(
        {**woman, "symptom_duration": 17, "walking_limited": "yes"}, marks=pain_at("lumbar")
    )
    assert alarms(shipped, four_months) == {}


def test_constant_hip_pain_on_walking_after_a_rise_in_activity_is_a_stress_fracture_alarm(shipped):
    # Patel 2011: consider a stress fracture after a recent increase in activity; the pain
    # becomes persistent with continued activity (AAP). Lateral hip pain, not a runner.
    woman = {"age_years": 62, "sex": "female", "symptom_side": "right", "symptom_duration": 26}
    base = {**woman, "activity_increase": "yes", "pain_walking_provoked": "yes"}
    constant = visit(
        {**base, "pain_constant": "yes", "lateral_hip_pain": "yes"},
        {"gt_palpation": RIGHT_POS},
        pain_at("greater_trochanter"),
    )
    assert fired(shipped, constant).get("bone_stress_injury") == "urgent"
    # A tender sacrum after a rise in activity fires it without a pain pattern.
    sacrum = visit({**woman, "activity_increase": "yes"}, {"sacral_tenderness": RIGHT_POS})
    assert fired(shipped, sacrum).get("bone_stress_injury") == "urgent"


def test_a_gluteal_tendinopathy_after_a_new_walking_programme_is_no_fracture_alarm(shipped):
    # Lateral hip pain on walking and lying on the side that eases with rest and position.
    walker = {
        "age_years": 55,
        "sex": "female",
        "symptom_side": "right",
        "symptom_duration": 8,
        "activity_increase": "yes",
        "pain_walking_provoked": "yes",
        "pain_weight_bearing": "yes",
        "pain_lying_on_side": "yes",
        "lateral_hip_pain": "yes",
        "pain_constant": "no",
        "night_pain": "no",
    }
    tendinopathy = visit(
        walker,
        {"gt_palpation": RIGHT_POS, "hop_test_pain": RIGHT_POS},
        pain_at("greater_trochanter"),
    )
    assert alarms(shipped, tendinopathy) == {}
    # Without the rise in activity, constant pain alone is not this rule either.
    steady = visit(
        {**walker, "activity_increase": "no", "pain_constant": "yes"},
        marks=pain_at("greater_trochanter"),
    )
    assert "bone_stress_injury" not in fired(shipped, steady)
