"""Fracture, infection and malignancy triggers as they present in outpatient physiotherapy.

Each test pairs the serious presentation a rule exists for with the everyday patient it must leave
quiet (sources in resources/knowledge_base/red_flags.yaml, audit table in notes).
"""

from __future__ import annotations

from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.validation import observations_from_dict
from tests.core.red_flag_pairs import RIGHT_POS, SCIATICA, Case, fired, visit


def alarms(kb: KnowledgeBase, data: Case) -> dict[str, str]:
    return {k: v for k, v in fired(kb, data).items() if v != "routine"}


def pain_at(*regions: str) -> list[dict[str, str]]:
    return [{"region": r, "symptom": "pain", "side": "both"} for r in regions]


OLDER_WOMAN = {"age_years": 78, "sex": "female", "trauma_or_fall": "no", "minor_trauma": "no"}


def test_sudden_weight_bearing_pain_without_trauma_at_78_is_an_insufficiency_fracture(shipped):
    sudden = visit(
        {**OLDER_WOMAN, "onset_type": "sharp", "pain_weight_bearing": "yes", "symptom_duration": 2},
        marks=pain_at("lumbar", "central_buttock"),
    )
    assert fired(shipped, sudden).get("insufficiency_fracture") == "urgent"
    # Hip osteoarthritis at the same age: the same load pain, but a gradual onset over years.
    arthritis = visit(
        {**OLDER_WOMAN, "onset_type": "gradual", "pain_weight_bearing": "yes", "groin_pain": "yes"}
        | {"symptom_duration": 100},
        {"hip_internal_rotation_reduced": RIGHT_POS},
    )
    assert alarms(shipped, arthritis) == {}
    # A sudden buttock strain in a 45-year-old is not this rule either.
    young = visit({"age_years": 45, "onset_type": "sharp", "pain_weight_bearing": "yes"})
    assert "insufficiency_fracture" not in fired(shipped, young)


def test_a_positive_sij_test_with_fragile_bone_shows_the_sacral_fracture_warning(shipped):
    fragile = visit({"age_years": 67, "osteoporosis": "yes"}, {"sij_thigh_thrust": RIGHT_POS})
    assert fired(shipped, fragile).get("insufficiency_fracture") == "urgent"
    action = shipped.red_flags["insufficiency_fracture"].action
    assert "a positive SIJ test does not exclude a sacral fracture" in action
    # Post-partum sacroiliac pain: the same positive test, no bone fragility.
    post_partum = visit(
        {"age_years": 31, "pregnancy_postpartum": "yes", "osteoporosis": "no"},
        {"sij_thigh_thrust": RIGHT_POS, "sij_compression": "positive"},
    )
    assert alarms(shipped, post_partum) == {}


def test_every_fracture_rule_warns_that_a_positive_sij_test_does_not_exclude_a_sacral_fracture(
    shipped,
):
    for rule in ("fracture", "insufficiency_fracture", "bone_stress_injury"):
        action = shipped.red_flags[rule].action
        assert "does not exclude a sacral fracture" in action
        # Harris 2016 names FABER; the other SIJ tests are said to be reasoning, not a finding.
        assert "FABER is a described finding of sacral stress fractures (Harris 2016)" in action
        assert "clinical reasoning" in action


def test_a_recent_fall_from_standing_at_74_is_urgent_but_an_old_stable_one_is_not(shipped):
    recent = visit({"age_years": 74, "minor_trauma": "yes", "symptom_duration": 3})
    assert fired(shipped, recent).get("fracture") == "urgent"
    unknown = visit({"age_years": 74, "trauma_or_fall": "yes"})
    assert fired(shipped, unknown).get("fracture") == "urgent"
    old = visit({"age_years": 74, "trauma_or_fall": "yes", "symptom_duration": 52})
    assert (
        alarms(shipped, old | {"answers": {**old["answers"], "progressive_symptoms": "no"}}) == {}
    )
    # The same old pain getting worse is looked at again.
    worse = visit({**old["answers"], "progressive_symptoms": "yes"})
    assert fired(shipped, worse).get("fracture") == "urgent"
    # High-energy trauma at any age is the emergency.
    crash = visit({"age_years": 24, "high_energy_trauma": "yes", "symptom_duration": 0.5})
    assert fired(shipped, crash).get("fracture_high_energy") == "emergency"


def test_long_term_steroids_at_72_alarm_for_back_pain_not_for_lateral_hip_pain(shipped):
    steroids = {"age_years": 72, "long_term_steroids": "yes", "symptom_duration": 20}
    back = visit(steroids, marks=pain_at("lumbar"))
    assert fired(shipped, back).get("fracture") == "urgent"
    tendinopathy = visit(
        {**steroids, "lateral_hip_pain": "yes", "pain_lying_on_side": "yes"},
        marks=[{"region": "greater_trochanter", "symptom": "pain", "side": "right"}],
    )
    assert alarms(shipped, tendinopathy) == {}


def test_a_buttock_injection_with_constant_pain_is_a_possible_abscess(shipped):
    abscess = visit({"injection_history": "yes", "pain_constant": "yes", "symptom_duration": 3})
    assert fired(shipped, abscess).get("infection") == "urgent"
    # The painless dent months after a steroid injection (post-injection lipoatrophy).
    atrophy = {
        "presentations": ["gluteal_depression"],
        "answers": {"injection_history": "yes", "current_pain": 0, "pain_constant": "no"},
        "exam": {},
    }
    assert alarms(shipped, atrophy) == {}


def test_every_infection_risk_factor_gets_the_infection_safety_net(shipped):
    for risk in (
        "iv_drug_use",
        "immunosuppression",
        "long_term_steroids",
        "diabetes",
        "recent_surgery",
        "infection_source_recent",
        "injection_history",
    ):
        result = assess(shipped, observations_from_dict(shipped, visit({risk: "yes"})))
        assert "infection_systemic" in {s.flag_id for s in result.safety_net}, risk
    # Risk factor alone: advice, not an alarm; with fever and systemic illness: the emergency.
    quiet = visit({"diabetes": "yes", "fever": "no", "symptom_duration": 8})
    assert alarms(shipped, quiet) == {}
    septic = visit({"diabetes": "yes", "fever": "yes", "systemically_unwell": "yes"})
    assert fired(shipped, septic).get("infection_systemic") == "emergency"
    weak = visit({"iv_drug_use": "yes"}, {"ankle_dorsiflexion_mrc": {"right": 4}})
    assert fired(shipped, weak).get("infection_neurological") == "emergency"


def test_pelvic_radiotherapy_counts_as_a_cancer_history(shipped):
    radiotherapy = {"age_years": 69, "pelvic_radiotherapy": "yes"}
    new_sciatica = visit({**radiotherapy, **SCIATICA, "symptom_duration": 3})
    assert fired(shipped, new_sciatica).get("metastatic_cord_compression") == "emergency"
    assert fired(shipped, visit(radiotherapy)).get("tumour") == "urgent"
    # Stable sciatica for years after radiotherapy: the urgent review, not the MSCC emergency.
    stable = visit(
        {**radiotherapy, **SCIATICA, "symptom_duration": 150, "progressive_symptoms": "no"}
    )
    assert "metastatic_cord_compression" not in fired(shipped, stable)


def test_a_cancer_history_with_a_new_inability_to_walk_is_an_emergency(shipped):
    cancer = visit({"age_years": 58, "history_of_cancer": "yes", "unable_to_bear_weight": "yes"})
    assert fired(shipped, cancer).get("unable_to_bear_weight") == "emergency"
    walking = visit({"age_years": 58, "history_of_cancer": "no", "unable_to_bear_weight": "no"})
    assert alarms(shipped, walking) == {}


def test_a_pelvic_procedure_in_the_last_3_months_is_an_infection_risk_factor(shipped):
    procedure = {"age_years": 64, "pelvic_procedure_recent": "yes", "symptom_duration": 3}
    constant = visit({**procedure, "pain_constant": "yes", "fever": "no"})
    assert fired(shipped, constant).get("infection") == "urgent"
    febrile = visit({**procedure, "fever": "yes"})
    assert fired(shipped, febrile).get("infection_systemic") == "emergency"
    result = assess(shipped, observations_from_dict(shipped, visit(procedure)))
    assert "infection_systemic" in {s.flag_id for s in result.safety_net}
    # After the same operation, mechanical pain that varies with position and no fever: advice only.
    mechanical = visit({**procedure, "pain_constant": "no", "night_pain": "no", "fever": "no"})
    assert alarms(shipped, mechanical) == {}


def test_groin_pain_on_weight_bearing_after_a_load_rise_is_a_possible_femoral_neck_stress_fracture(
    shipped,
):
    runner = {"age_years": 29, "running_sport": "yes", "pain_weight_bearing": "yes"}
    load_rise = visit({**runner, "running_load_increase": "yes", "groin_pain": "yes"})
    assert fired(shipped, load_rise).get("bone_stress_injury") == "urgent"
    # The same runner with groin pain but no rise in load, hop not painful: no alarm.
    steady = visit(
        {**runner, "running_load_increase": "no", "low_energy_availability": "no"}
        | {"groin_pain": "yes"},
        {"hop_test_pain": {"right": "negative"}},
    )
    assert alarms(shipped, steady) == {}


def test_new_back_pain_on_long_term_steroids_alarms_at_any_age(shipped):
    # Downie 2013: prolonged corticosteroid use, post-test probability of fracture 33 %.
    steroids = {"age_years": 44, "long_term_steroids": "yes", "onset_type": "sharp"}
    new = visit({**steroids, "symptom_duration": 2}, marks=pain_at("lumbar"))
    assert fired(shipped, new).get("fracture") == "urgent"
    # Years of the same sacroiliac pain in a 44-year-old on steroids for asthma: no alarm.
    chronic = visit(
        {
            **steroids,
            "onset_type": "gradual",
            "symptom_duration": 104,
            "progressive_symptoms": "no",
        },
        marks=pain_at("sacroiliac"),
    )
    assert alarms(shipped, chronic) == {}


def test_new_sij_positive_pain_at_74_shows_the_fracture_warning_but_years_of_it_do_not(shipped):
    sij = {
        "sij_thigh_thrust": RIGHT_POS,
        "sij_compression": "positive",
        "sij_distraction": "positive",
    }
    new = visit({"age_years": 74, "symptom_duration": 4}, sij)
    assert fired(shipped, new).get("insufficiency_fracture") == "urgent"
    chronic = visit(
        {
            "age_years": 74,
            "symptom_duration": 120,
            "osteoporosis": "no",
            "long_term_steroids": "no",
        },
        sij,
    )
    assert alarms(shipped, chronic) == {}


def test_a_runners_positive_hop_test_with_the_side_not_stated_is_a_bone_stress_injury(shipped):
    # Kahanov 2011: the hop test identified the sacral stress fracture; the report gives no side.
    runner = {"age_years": 23, "sex": "male", "running_sport": "yes"}
    marks = pain_at("lumbar", "central_buttock")
    unsided = visit(runner, {"hop_test_pain": {"not_stated": "positive"}}, marks)
    assert fired(shipped, unsided).get("bone_stress_injury") == "urgent"
    # The same runner hopping without pain on either side: no stress-injury alarm.
    painless = visit(runner, {"hop_test_pain": {"left": "negative", "right": "negative"}}, marks)
    assert "bone_stress_injury" not in fired(shipped, painless)


def test_sacral_signs_in_pregnancy_or_after_childbirth_raise_the_stress_fracture_flag(shipped):
    # In pregnancy (Pishnamaz 2012: 30 weeks) or after delivery, a bony finding fires the rule.
    pregnant = visit(
        {"age_years": 26, "pregnancy_postpartum": "yes"}, {"sacral_tenderness": RIGHT_POS}
    )
    assert fired(shipped, pregnant).get("pregnancy_sacral_fracture") == "urgent"
    # One-leg loading provokes ordinary pelvic girdle pain (Vleeming 2008): a painful hop in
    # pregnancy is not on its own a sign pointing to bone.
    girdle_pain = visit(
        {"age_years": 30, "pregnancy_postpartum": "yes"}, {"hop_test_pain": RIGHT_POS}
    )
    assert "pregnancy_sacral_fracture" not in fired(shipped, girdle_pain)
    delivered = visit(
        {"age_years": 36, "pregnancy_postpartum": "yes", "unable_to_bear_weight": "yes"}
    )
    assert fired(shipped, delivered).get("pregnancy_sacral_fracture") == "urgent"
    action = shipped.red_flags["pregnancy_sacral_fracture"].action
    assert "a positive SIJ provocation test does not exclude a sacral fracture" in action
    # The same sacral tenderness without pregnancy or childbirth is not this rule.
    not_pregnant = visit(
        {"age_years": 32, "pregnancy_postpartum": "no"}, {"sacral_tenderness": RIGHT_POS}
    )
    assert "pregnancy_sacral_fracture" not in fired(shipped, not_pregnant)


def test_exercise_groin_pain_with_low_energy_availability_is_a_possible_stress_fracture(shipped):
    # A female recruit or runner with missed periods and groin pain brought on by running.
    runner = {"age_years": 27, "sex": "female", "pain_with_running": "yes", "groin_pain": "yes"}
    amenorrhoea = visit({**runner, "low_energy_availability": "yes"})
    assert fired(shipped, amenorrhoea).get("bone_stress_injury") == "urgent"
    # Regular periods, steady training: hip impingement or an adductor strain, no alarm yet.
    steady = visit({**runner, "low_energy_availability": "no", "running_load_increase": "no"})
    assert alarms(shipped, steady) == {}
    # Sit-bone pain from a hamstring tendinopathy in the same runner is not this branch.
    ischial = visit(
        {"age_years": 27, "sex": "female", "pain_with_running": "yes"}
        | {"low_energy_availability": "yes", "pain_on_sitting": "yes"},
        marks=pain_at("ischial_tuberosity"),
    )
    assert "bone_stress_injury" not in fired(shipped, ischial)


def test_a_fall_at_67_with_groin_pain_on_walking_is_a_possible_fracture(shipped):
    fall = {"age_years": 67, "minor_trauma": "yes", "symptom_duration": 1}
    groin = visit({**fall, "pain_weight_bearing": "yes", "groin_pain": "yes"})
    assert fired(shipped, groin).get("fracture") == "urgent"
    # The same fall with a bruised buttock, walking normally and no groin pain: no alarm.
    bruise = visit(
        {**fall, "pain_weight_bearing": "no", "groin_pain": "no", "walking_limited": "no"},
        {"antalgic_gait": {"left": "negative", "right": "negative"}},
    )
    assert alarms(shipped, bruise) == {}


def test_a_positive_percussion_test_after_a_fall_is_a_possible_fracture_at_any_age(shipped):
    # Reiman 2013: patellar-pubic percussion LR+ 6.1 for hip fracture.
    fall = {"age_years": 45, "trauma_or_fall": "yes", "symptom_duration": 1}
    positive = visit(fall, {"patellar_pubic_percussion": RIGHT_POS})
    assert fired(shipped, positive).get("fracture") == "urgent"
    negative = visit(fall, {"patellar_pubic_percussion": {"right": "negative"}})
    assert alarms(shipped, negative) == {}


def test_new_walking_limiting_pain_in_a_woman_over_70_fires_where_these_fractures_hurt(shipped):
    # New back and buttock pain that limits walking at 78: a possible sacral insufficiency
    # fracture (Henschke 2009: age over 70 an informative fracture red flag).
    woman = {"age_years": 78, "sex": "female", "walking_limited": "yes"}
    new = visit({**woman, "symptom_duration": 3}, marks=pain_at("lumbar", "central_buttock"))
    assert fired(shipped, new).get("insufficiency_fracture") == "urgent"
    # Lateral hip pain on standing and walking (a gluteal tendinopathy) is not one of those sites.
    lateral_hip = visit(
        {**woman, "symptom_duration": 6, "pain_weight_bearing": "yes"},
        marks=pain_at("greater_trochanter"),
    )
    assert "insufficiency_fracture" not in fired(shipped, lateral_hip)
    # Two years of the same walking-limited back and buttock pain (spinal stenosis): no alarm.
    chronic = visit(
        {**woman, "symptom_duration": 104, "progressive_symptoms": "no"},
        marks=pain_at("lumbar", "central_buttock"),
    )
    assert alarms(shipped, chronic) == {}


def test_walking_limited_by_new_pain_with_osteoporosis_is_an_insufficiency_fracture(shipped):
    # Insufficiency fractures take months to settle (Schindler 2007): a 6-month window.
    fragile = {"age_years": 66, "sex": "female", "osteoporosis": "yes", "walking_limited": "yes"}
    low_back = pain_at("lumbar", "central_buttock")
    recent = visit({**fragile, "symptom_duration": 14, "trauma_or_fall": "no"}, marks=low_back)
    assert fired(shipped, recent).get("insufficiency_fracture") == "urgent"
    # Years of the same walking-limited stenosis pain in a woman with osteoporosis: no alarm.
    stenosis = visit(
        {**fragile, "symptom_duration": 104, "progressive_symptoms": "no"}, marks=low_back
    )
    assert alarms(shipped, stenosis) == {}


def test_a_shortened_externally_rotated_leg_after_a_fall_is_the_hip_fracture_emergency(shipped):
    deformity = {"leg_shortened_externally_rotated": RIGHT_POS}
    fall = visit(
        {"age_years": 58, "trauma_or_fall": "yes", "unable_to_bear_weight": "no"}, deformity
    )
    assert fired(shipped, fall).get("unable_to_bear_weight") == "emergency"
    # Long-standing hip arthritis can shorten and turn out the leg too: without a fall, no alarm.
    arthritis = visit(
        {"age_years": 58, "trauma_or_fall": "no", "minor_trauma": "no", "symptom_duration": 200},
        deformity,
    )
    assert alarms(shipped, arthritis) == {}


def test_osteoporosis_with_lateral_hip_pain_alone_is_not_an_insufficiency_fracture(shipped):
    # Osteoporosis and 16 weeks of walking-limiting pain at the greater trochanter (a gluteal
    # tendinopathy): the fragility branch reads the sites where these fractures hurt.
    fragile = {"age_years": 68, "sex": "female", "osteoporosis": "yes", "walking_limited": "yes"}
    lateral_hip = visit({**fragile, "symptom_duration": 16}, {}, pain_at("greater_trochanter"))
    assert "insufficiency_fracture" not in fired(shipped, lateral_hip)
    sacral = visit({**fragile, "symptom_duration": 16}, {}, pain_at("sacroiliac"))
    assert fired(shipped, sacral).get("insufficiency_fracture") == "urgent"
    # Two years of stenosis pain on standing and walking with osteoporosis: long-standing, quiet.
    stenosis = visit(
        {**fragile, "symptom_duration": 104, "pain_weight_bearing": "yes"}, {}, pain_at("lumbar")
    )
    assert "insufficiency_fracture" not in fired(shipped, stenosis)


def test_bone_fragility_with_lateral_hip_pain_on_walking_is_not_an_insufficiency_fracture(shipped):
    # Review R5: osteoporosis and 16 weeks of trochanteric pain brought on by standing and walking
    # (a gluteal tendinopathy) fired the urgent rule: pain on weight-bearing stood in for a site.
    fragile = {"age_years": 62, "sex": "female", "osteoporosis": "yes", "trauma_or_fall": "no"}
    tendinopathy = visit(
        {**fragile, "pain_weight_bearing": "yes", "symptom_duration": 16},
        marks=pain_at("greater_trochanter"),
    )
    assert "insufficiency_fracture" not in fired(shipped, tendinopathy)
    # The same load pain drawn over the sacroiliac region, or a tender sacrum, is the fracture.
    sacral = visit(
        {**fragile, "pain_weight_bearing": "yes", "symptom_duration": 16},
        marks=pain_at("sacroiliac"),
    )
    assert fired(shipped, sacral).get("insufficiency_fracture") == "urgent"
    tender = visit(
        {**fragile, "pain_weight_bearing": "yes", "symptom_duration": 16},
        {"sacral_tenderness": RIGHT_POS},
        pain_at("greater_trochanter"),
    )
    assert fired(shipped, tender).get("insufficiency_fracture") == "urgent"


def test_pelvic_radiotherapy_alone_is_not_an_insufficiency_fracture(shipped):
    # Review R6: a course of pelvic radiotherapy and "no" to one trauma question fired the urgent
    # fracture rule with no pain feature at all (the cancer history is the tumour rule's).
    history_only = visit(
        {"age_years": 55, "sex": "male", "pelvic_radiotherapy": "yes"} | {"trauma_or_fall": "no"}
    )
    assert "insufficiency_fracture" not in fired(shipped, history_only)
    # New pain on walking without trauma after radiotherapy: an insufficiency fracture to exclude.
    walking = visit(
        {"age_years": 55, "pelvic_radiotherapy": "yes", "trauma_or_fall": "no"}
        | {"pain_weight_bearing": "yes", "symptom_duration": 6}
    )
    assert fired(shipped, walking).get("insufficiency_fracture") == "urgent"
