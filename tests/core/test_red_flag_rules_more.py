"""Red-flag rules added for the published cases they missed: each branch on its own story."""

from __future__ import annotations

from tests.core.red_flag_pairs import (
    RIGHT_NEG,
    RIGHT_POS,
    SCIATICA,
    STENOSIS,
    fired,
    visit,
)


def test_new_bilateral_sciatica_is_the_cauda_equina_emergency(shipped):
    # GIRFT 2023: new-onset bilateral leg pain with back pain -> emergency department for MRI.
    alerts = fired(shipped, visit({**SCIATICA, "bilateral_leg_symptoms": "yes"}))
    assert alerts.get("ces_bilateral") == "emergency"


def test_worsening_long_standing_stenosis_is_urgent_not_an_emergency(shipped):
    alerts = fired(shipped, visit({**STENOSIS, "progressive_symptoms": "yes"}))
    assert "ces_bilateral" not in alerts and alerts.get("ces_warning") == "urgent"


def test_a_pulsatile_buttock_mass_alone_is_an_emergency(shipped):
    alerts = fired(shipped, visit({"age_years": 60}, {"pulsatile_buttock_mass": "positive"}))
    assert alerts.get("gluteal_artery_injury") == "emergency"


def test_a_buttock_mass_after_a_fall_is_a_possible_bleed(shipped):
    after_fall = visit({"minor_trauma": "yes", "age_years": 75}, {"palpable_mass": RIGHT_POS})
    assert fired(shipped, after_fall).get("gluteal_artery_injury") == "emergency"
    no_injury = visit({"minor_trauma": "no", "trauma_or_fall": "no"}, {"palpable_mass": RIGHT_POS})
    alerts = fired(shipped, no_injury)
    assert "gluteal_artery_injury" not in alerts and alerts.get("soft_tissue_mass") == "urgent"


def test_a_soft_haematoma_after_a_fall_in_a_young_patient_is_urgent_not_an_emergency(shipped):
    # A footballer's buttock haematoma or Morel-Lavallée collection: ultrasound within days.
    fall = {"minor_trauma": "yes", "age_years": 27, "anticoagulant_use": "no"}
    soft = visit(
        {**fall, "severe_pain_out_of_proportion": "no", "progressive_symptoms": "no"},
        {"palpable_mass": RIGHT_POS, "buttock_tension_swelling": RIGHT_NEG},
    )
    alerts = fired(shipped, soft)
    assert "gluteal_artery_injury" not in alerts and alerts.get("soft_tissue_mass") == "urgent"
    # The same fall on a blood thinner, or with a tense buttock: a possible arterial bleed.
    thinned = visit({**fall, "anticoagulant_use": "yes"}, {"palpable_mass": RIGHT_POS})
    assert fired(shipped, thinned).get("gluteal_artery_injury") == "emergency"
    tense = visit(fall, {"palpable_mass": RIGHT_POS, "buttock_tension_swelling": RIGHT_POS})
    assert fired(shipped, tense).get("gluteal_artery_injury") == "emergency"
    growing = visit({**fall, "progressive_symptoms": "yes"}, {"palpable_mass": RIGHT_POS})
    assert fired(shipped, growing).get("gluteal_artery_injury") == "emergency"


def test_sudden_pain_with_purple_buttock_skin_is_acute_ischaemia(shipped):
    data = visit({"onset_type": "sharp", "age_years": 77}, {"buttock_skin_ischaemia": RIGHT_POS})
    assert fired(shipped, data).get("acute_limb_ischaemia") == "emergency"


def test_a_long_standing_cold_foot_is_chronic_not_acute_ischaemia(shipped):
    data = visit({"cold_pale_foot": "yes", "onset_type": "gradual", "symptom_duration": 60})
    alerts = fired(shipped, data)
    assert "acute_limb_ischaemia" not in alerts
    assert alerts.get("chronic_limb_ischaemia") == "urgent"


def test_the_avulsion_mechanism_with_posterior_thigh_pain_raises_the_avulsion_flag(shipped):
    marks = [{"region": "posterior_thigh", "symptom": "pain", "side": "right"}]
    forced = visit({"forced_hip_flexion_injury": "yes", "sudden_effort_onset": "yes"}, None, marks)
    assert fired(shipped, forced).get("hamstring_avulsion") == "urgent"
    # A sprinting strain: the same pain, a sudden onset, but not the forced-flexion mechanism.
    sprint = visit(
        {"forced_hip_flexion_injury": "no", "sudden_effort_onset": "yes", "pop_and_bruising": "no"},
        {"palpable_tendon_gap": RIGHT_NEG, "posterior_thigh_bruising": RIGHT_NEG},
        marks,
    )
    assert "hamstring_avulsion" not in fired(shipped, sprint)


def test_grade_3_weakness_of_any_key_leg_muscle_is_severe_motor_loss(shipped):
    for item in ("hip_flexion_mrc", "knee_extension_mrc", "knee_flexion_mrc", "ehl_mrc"):
        weak = visit({**SCIATICA, "symptom_duration": 1}, {item: {"right": 3}})
        assert fired(shipped, weak).get("severe_motor_deficit") == "emergency", item
        mild = visit(
            {**SCIATICA, "symptom_duration": 6, "progressive_weakness": "no"}, {item: {"right": 4}}
        )
        alerts = fired(shipped, mild)
        assert "severe_motor_deficit" not in alerts, item
        assert alerts.get("neurological_deficit") == "routine", item


def test_reduced_anal_tone_is_suspected_cauda_equina_syndrome(shipped):
    data = visit(SCIATICA, {"anal_tone_reduced": "positive"})
    assert fired(shipped, data).get("cauda_equina") == "emergency"


def test_fever_with_a_high_risk_pulse_is_the_infection_emergency(shipped):
    data = visit({"fever": "yes", "systemically_unwell": "no"}, {"heart_rate": 132})
    assert fired(shipped, data).get("infection_systemic") == "emergency"


def test_an_older_patient_who_cannot_bear_weight_needs_imaging_today_even_without_a_fall(shipped):
    data = visit({"trauma_or_fall": "no", "unable_to_bear_weight": "yes", "age_years": 79})
    assert fired(shipped, data).get("unable_to_bear_weight") == "emergency"
    young = visit({"trauma_or_fall": "no", "unable_to_bear_weight": "yes", "age_years": 30})
    assert "unable_to_bear_weight" not in fired(shipped, young)


def test_a_recent_spinal_injection_or_infection_is_a_risk_factor_not_an_alarm_alone(shipped):
    source = {"infection_source_recent": "yes"}
    with_fever = fired(shipped, visit({**source, "fever": "yes"}))
    assert with_fever.get("infection_systemic") == "emergency"
    with_deficit = visit({**source, "fever": "no"}, {"neuro_myotomes": RIGHT_POS})
    assert fired(shipped, with_deficit).get("infection_neurological") == "emergency"
    with_night_pain = fired(shipped, visit({**source, "night_pain": "yes"}))
    assert with_night_pain.get("infection") == "urgent"
    alone = fired(shipped, visit(source))
    assert not {"infection", "infection_systemic", "infection_neurological"} & set(alone)


def test_systemic_illness_without_fever_is_an_emergency_only_with_a_second_feature(shipped):
    # NICE NG51 1.1.2: sepsis may present as feeling very unwell without a high temperature.
    unwell = {"systemically_unwell": "yes", "fever": "no", "age_years": 58}
    with_constant_pain = fired(shipped, visit({**unwell, "pain_constant": "yes"}))
    assert with_constant_pain.get("infection_systemic") == "emergency"
    on_steroids = fired(shipped, visit({**unwell, "long_term_steroids": "yes"}))
    assert on_steroids.get("infection_systemic") == "emergency"
    # Unwell with intermittent mechanical pain and no risk factor: same-day or next-day review.
    mechanical = {
        **unwell,
        "pain_constant": "no",
        "night_pain": "no",
        "progressive_symptoms": "no",
        "severe_pain_out_of_proportion": "no",
        "walking_limited": "no",
    }
    alerts = fired(shipped, visit(mechanical, {"body_temperature": 37.1, "heart_rate": 84}))
    assert "infection_systemic" not in alerts and alerts.get("infection") == "urgent"


def test_a_buttock_wound_years_before_new_sciatica_still_counts(shipped):
    # Traumatic gluteal pseudoaneurysms present weeks to years after the wound: no time window.
    years_later = {**SCIATICA, "buttock_wound_or_procedure": "yes", "symptom_duration": 3}
    assert fired(shipped, visit(years_later)).get("gluteal_artery_procedure") == "urgent"
    # The same wound with local soreness only (no nerve-root pain, no progression) stays quiet.
    sore = {
        "buttock_wound_or_procedure": "yes",
        "radicular_symptoms": "no",
        "progressive_symptoms": "no",
        "pain_constant": "no",
    }
    alerts = fired(shipped, visit(sore, {"neuro_reflexes": RIGHT_NEG}))
    assert not {"gluteal_artery_procedure", "gluteal_artery_injury"} & set(alerts)


def test_bilateral_sciatica_of_eight_weeks_stays_the_cauda_equina_emergency(shipped):
    # GIRFT's reported 2-week split is not read from the pathway itself: the 3-month window stays.
    eight_weeks = visit({**SCIATICA, "bilateral_leg_symptoms": "yes", "symptom_duration": 8})
    assert fired(shipped, eight_weeks).get("ces_bilateral") == "emergency"
    assert "ces_bilateral" not in fired(shipped, visit(STENOSIS))
