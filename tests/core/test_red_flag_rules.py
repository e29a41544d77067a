"""Each shipped red-flag rule fires on a realistic case and stays quiet on its benign mimic.

The cases run through the shipped knowledge base, so a change to a rule, a prompt or an exam
item that breaks the clinical intent fails here. A pair is (case that must fire the rule at its
urgency, benign mimic on which the rule must stay silent).
"""

from __future__ import annotations

import pytest

from tests.core.red_flag_pairs import (
    FRACTURE_CONTEXT_PAIRS,
    RIGHT_NEG,
    RIGHT_POS,
    SCIATICA,
    STENOSIS,
    VASCULAR_AND_MASS_PAIRS,
    Case,
    fired,
    visit,
)

# rule id -> (fires, benign mimic)
SPINE_TRAUMA_AND_TENDON_PAIRS: dict[str, tuple[Case, Case]] = {
    "cauda_equina": (
        visit({**SCIATICA, "age_years": 41, "bladder_bowel_change": "yes"}),
        visit(
            {
                **SCIATICA,
                "age_years": 41,
                "saddle_anaesthesia": "no",
                "bladder_bowel_change": "no",
                "sexual_dysfunction": "no",
            }
        ),
    ),
    "ces_bilateral": (
        visit({**SCIATICA, "bilateral_leg_symptoms": "yes", "symptom_duration": 2}),
        # Long-standing, stable bilateral leg symptoms of spinal stenosis.
        visit(STENOSIS),
    ),
    "ces_warning": (
        # A reported worsening weakness, not yet examined.
        visit({**SCIATICA, "progressive_weakness": "yes", "symptom_duration": 30}),
        visit(STENOSIS),
    ),
    "severe_motor_deficit": (
        visit(
            {**SCIATICA, "progressive_weakness": "yes", "symptom_duration": 3},
            {"ankle_dorsiflexion_mrc": {"left": 2}},
        ),
        # Mild, stable weakness of a sciatica.
        visit(
            {**SCIATICA, "progressive_weakness": "no", "symptom_duration": 6},
            {"ankle_dorsiflexion_mrc": {"left": 4}},
        ),
    ),
    "marked_motor_weakness": (
        # Six weeks of sciatica, stable, with the foot lifting only against gravity.
        visit(
            {**SCIATICA, "progressive_weakness": "no", "symptom_duration": 6},
            {"ankle_dorsiflexion_mrc": {"left": 3}},
        ),
        # The usual disc sciatica: big toe extension a grade down.
        visit(
            {**SCIATICA, "progressive_weakness": "no", "symptom_duration": 6},
            {"ehl_mrc": {"left": 4}, "neuro_myotomes": {"left": "positive"}},
        ),
    ),
    "neurological_deficit": (
        visit(SCIATICA, {"neuro_reflexes": {"left": "positive"}}),
        visit(SCIATICA, {"neuro_reflexes": {"left": "negative"}, "slr": {"left": "positive"}}),
    ),
    "metastatic_cord_compression": (
        visit({**SCIATICA, "history_of_cancer": "yes", "age_years": 66}),
        # A cancer survivor with lateral hip pain and no nerve symptoms: the urgent tumour
        # rule, not the cord-compression emergency.
        visit(
            {
                "history_of_cancer": "yes",
                "age_years": 66,
                "lateral_hip_pain": "yes",
                "radicular_symptoms": "no",
                "bilateral_leg_symptoms": "no",
                "progressive_weakness": "no",
            }
        ),
    ),
    "tumour": (
        visit({"age_years": 58, "unexplained_weight_loss": "yes", "night_pain": "yes"}),
        # Weight loss without trying alone, in a 42-year-old whose pain is settling.
        visit(
            {
                "age_years": 42,
                "unexplained_weight_loss": "yes",
                "night_pain": "no",
                "progressive_symptoms": "no",
                "no_improvement_with_treatment": "no",
                "history_of_cancer": "no",
            }
        ),
    ),
    "night_pain_or_progression": (
        visit({"age_years": 47, "night_pain": "yes", "lateral_hip_pain": "yes"}),
        visit({"age_years": 47, "night_pain": "no", "lateral_hip_pain": "yes"}),
    ),
    "infection_systemic": (
        visit({"fever": "yes", "iv_drug_use": "yes", "walking_limited": "yes"}),
        # Buttock pain during a cold, no risk factor and ordinary mechanical pain.
        visit(
            {
                "fever": "no",
                "systemically_unwell": "no",
                "iv_drug_use": "yes",
                "walking_limited": "yes",
            }
        ),
    ),
    "infection_neurological": (
        visit({"iv_drug_use": "yes", "progressive_weakness": "yes", **SCIATICA}),
        visit(
            {
                "diabetes": "yes",
                "fever": "no",
                "systemically_unwell": "no",
                "progressive_weakness": "no",
                **SCIATICA,
            },
            {"neuro_myotomes": {"left": "negative"}},
        ),
    ),
    "infection": (
        visit({"immunosuppression": "yes", "pain_constant": "yes"}),
        visit(
            {
                "diabetes": "yes",
                "pain_constant": "no",
                "night_pain": "no",
                "progressive_symptoms": "no",
                "fever": "no",
            },
            {"local_infection_signs": RIGHT_NEG},
        ),
    ),
    "fracture_high_energy": (
        visit({"high_energy_trauma": "yes", "symptom_duration": 0}),
        visit({"high_energy_trauma": "no", "minor_trauma": "no", "age_years": 35}),
    ),
    "fracture": (
        visit({"minor_trauma": "yes", "age_years": 81}),
        # The same fall in a healthy 40-year-old.
        visit(
            {
                "minor_trauma": "yes",
                "age_years": 40,
                "osteoporosis": "no",
                "long_term_steroids": "no",
                "pelvic_radiotherapy": "no",
            }
        ),
    ),
    "insufficiency_fracture": (
        visit(
            {"pelvic_radiotherapy": "yes", "age_years": 72, "high_energy_trauma": "no"},
            {"sacral_tenderness": RIGHT_POS},
        ),
        # Hip osteoarthritis in a 72-year-old: weight-bearing pain, no bone fragility.
        visit(
            {
                "age_years": 72,
                "pain_weight_bearing": "yes",
                "groin_pain": "yes",
                "osteoporosis": "no",
                "long_term_steroids": "no",
                "pelvic_radiotherapy": "no",
            },
            {"hip_internal_rotation_reduced": RIGHT_POS, "sacral_tenderness": RIGHT_NEG},
        ),
    ),
    "bone_stress_injury": (
        visit(
            {"running_sport": "yes", "running_load_increase": "yes", "age_years": 23},
            {"hop_test_pain": RIGHT_POS},
        ),
        # Proximal hamstring tendinopathy in a runner: pain with running and sitting, hop fine.
        visit(
            {"running_sport": "yes", "pain_with_running": "yes", "pain_on_sitting": "yes"},
            {
                "hop_test_pain": RIGHT_NEG,
                "sacral_tenderness": RIGHT_NEG,
                "ischial_palpation": RIGHT_POS,
            },
        ),
    ),
    "gluteal_compartment_syndrome": (
        # After a long operation: severe pain, no swelling recorded, urine not looked at.
        visit(
            {"recent_surgery": "yes", "surgery_hours": 7, "severe_pain_out_of_proportion": "yes"}
        ),
        # Post-operative patient with ordinary, proportionate pain and a soft buttock.
        visit(
            {"recent_surgery": "yes", "surgery_hours": 2, "severe_pain_out_of_proportion": "no"},
            {"buttock_tension_swelling": RIGHT_NEG},
        ),
    ),
    "inflammatory_back_pain": (
        visit(
            {
                "age_years": 27,
                "symptom_duration": 40,
                "morning_stiffness": "yes",
                "better_with_exercise": "yes",
                "alternating_buttock_pain": "yes",
            }
        ),
        # Mechanical pain in a 27-year-old: worse with activity, no stiffness.
        visit(
            {
                "age_years": 27,
                "symptom_duration": 40,
                "morning_stiffness": "no",
                "better_with_exercise": "no",
                "alternating_buttock_pain": "no",
                "nsaid_response": "no",
                "night_pain": "no",
                "family_history_spa": "no",
                "spa_extra_articular": "no",
            }
        ),
    ),
    "visceral_referral": (
        visit({"cyclical_pain": "yes", "sex": "female", "age_years": 31}),
        visit({"cyclical_pain": "no", "abdominal_pelvic_pain": "no", "sex": "female"}),
    ),
    "hamstring_avulsion": (
        visit(
            {"sudden_effort_onset": "yes", "pop_and_bruising": "yes", "age_years": 44},
            {"palpable_tendon_gap": RIGHT_POS, "posterior_thigh_bruising": RIGHT_POS},
        ),
        # A hamstring strain: sudden sprint onset, no gap, no bruising.
        visit(
            {"sudden_effort_onset": "yes", "pop_and_bruising": "no", "age_years": 24},
            {"palpable_tendon_gap": RIGHT_NEG, "posterior_thigh_bruising": RIGHT_NEG},
        ),
    ),
    "abductor_tear": (
        visit(
            {"lateral_hip_pain": "yes", "age_years": 68},
            {"trendelenburg": RIGHT_POS, "hip_abduction_strength": {"right": 3}},
        ),
        # Gluteal tendinopathy: painful but strong.
        visit(
            {"lateral_hip_pain": "yes", "age_years": 52},
            {"trendelenburg": RIGHT_NEG, "hip_abduction_strength": {"right": 5}},
        ),
    ),
}


PAIRS = {**SPINE_TRAUMA_AND_TENDON_PAIRS, **VASCULAR_AND_MASS_PAIRS, **FRACTURE_CONTEXT_PAIRS}


def test_every_shipped_rule_has_a_pair(shipped):
    assert set(PAIRS) == set(shipped.red_flags)


@pytest.mark.parametrize("flag_id", sorted(PAIRS))
def test_the_rule_fires_on_its_realistic_case(shipped, flag_id):
    fires, _ = PAIRS[flag_id]
    alerts = fired(shipped, fires)
    assert alerts.get(flag_id) == shipped.red_flags[flag_id].urgency, alerts


@pytest.mark.parametrize("flag_id", sorted(PAIRS))
def test_the_rule_stays_quiet_on_its_benign_mimic(shipped, flag_id):
    _, mimic = PAIRS[flag_id]
    assert flag_id not in fired(shipped, mimic)


def test_a_single_weak_flag_is_at_most_a_routine_review(shipped):
    # Night pain alone, age alone, weight loss alone: no urgent or emergency alarm.
    for answers in ({"night_pain": "yes"}, {"age_years": 82}, {"unexplained_weight_loss": "yes"}):
        levels = set(fired(shipped, visit(answers)).values())
        assert levels <= {"routine"}, answers


def test_diabetes_or_an_injection_alone_raises_no_infection_alarm(shipped):
    for answers in ({"diabetes": "yes"}, {"injection_history": "yes"}):
        assert not set(fired(shipped, visit(answers))) & {
            "infection",
            "infection_systemic",
            "infection_neurological",
        }


def test_a_pop_alone_does_not_raise_the_avulsion_flag(shipped):
    data = visit({"sudden_effort_onset": "yes", "pop_and_bruising": "yes"})
    assert "hamstring_avulsion" not in fired(shipped, data)


def test_compartment_syndrome_fires_on_context_and_a_new_sciatic_deficit(shipped):
    # Found down after an overdose, foot drop, no swelling or urine colour recorded.
    data = visit({"found_down_intoxicated": "yes"}, {"ankle_dorsiflexion_mrc": {"right": 2}})
    assert fired(shipped, data).get("gluteal_compartment_syndrome") == "emergency"


def test_every_rule_names_its_source_or_is_a_marked_estimate(shipped):
    for flag in shipped.red_flags.values():
        assert flag.action and flag.conditions, flag.id
        assert flag.source or (flag.estimate and flag.rationale), flag.id


def test_patients_at_risk_get_safety_net_advice_in_plain_words(shipped):
    for flag_id in ("cauda_equina", "gluteal_compartment_syndrome", "metastatic_cord_compression"):
        flag = shipped.red_flags[flag_id]
        assert flag.safety_net and flag.safety_net_when is not None, flag_id
        for jargon in ("MRI", "CES", "MSCC", "LR"):
            assert jargon not in flag.safety_net, (flag_id, jargon)


def test_new_sciatica_after_a_long_operation_is_compartment_syndrome_until_excluded(shipped):
    # Typically first labelled sciatica or a disc (Khalifa 2020).
    data = visit({"recent_surgery": "yes", "surgery_hours": 6, "radicular_symptoms": "yes"})
    assert fired(shipped, data).get("gluteal_compartment_syndrome") == "emergency"


def test_fever_with_systemic_illness_is_an_emergency_and_fever_alone_urgent(shipped):
    both = fired(shipped, visit({"fever": "yes", "systemically_unwell": "yes"}))
    assert both.get("infection_systemic") == "emergency"
    alone = fired(shipped, visit({"fever": "yes", "systemically_unwell": "no"}))
    assert "infection_systemic" not in alone and alone.get("infection") == "urgent"


def test_an_adolescent_with_ischial_tenderness_after_a_sprint_gets_the_avulsion_flag(shipped):
    data = visit({"age_years": 14, "sudden_effort_onset": "yes"}, {"ischial_palpation": RIGHT_POS})
    assert fired(shipped, data).get("hamstring_avulsion") == "urgent"
    adult = visit({"age_years": 34, "sudden_effort_onset": "yes"}, {"ischial_palpation": RIGHT_POS})
    assert "hamstring_avulsion" not in fired(shipped, adult)


def test_progressive_weakness_with_weakness_on_examination_is_an_emergency(shipped):
    data = visit(
        {**SCIATICA, "progressive_weakness": "yes"}, {"neuro_myotomes": {"left": "positive"}}
    )
    assert fired(shipped, data).get("severe_motor_deficit") == "emergency"


def test_diabetes_with_a_deficit_but_no_fever_is_not_the_infection_emergency(shipped):
    data = visit(
        {**SCIATICA, "diabetes": "yes", "fever": "no", "systemically_unwell": "no"},
        {"neuro_myotomes": {"left": "positive"}},
    )
    assert "infection_neurological" not in fired(shipped, data)


def test_ordinary_sciatica_ten_days_after_a_short_operation_is_not_compartment_syndrome(shipped):
    data = visit(
        {
            **SCIATICA,
            "recent_surgery": "yes",
            "surgery_hours": 1,
            "immobilisation": "no",
            "severe_pain_out_of_proportion": "no",
        }
    )
    assert "gluteal_compartment_syndrome" not in fired(shipped, data)
