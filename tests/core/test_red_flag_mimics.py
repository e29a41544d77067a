"""Benign mimics a physiotherapist sees every week: each stays quiet where its serious twin fires.

Each test pairs an ordinary outpatient story that an over-broad trigger used to alarm on with the
serious presentation the same rule exists for, so narrowing a rule can never silence the latter.
"""

from __future__ import annotations

import pytest

from tests.core.red_flag_pairs import RIGHT_NEG, RIGHT_POS, SCIATICA, fired, visit


def pain_at(region: str) -> list[dict[str, str]]:
    return [{"region": region, "symptom": "pain", "side": "right"}]


def test_a_cancer_survivor_with_years_of_stable_sciatica_gets_the_tumour_review_only(shipped):
    stable = {**SCIATICA, "history_of_cancer": "yes", "age_years": 64, "symptom_duration": 104}
    quiet = fired(
        shipped, visit({**stable, "progressive_symptoms": "no"}, {"neuro_reflexes": RIGHT_POS})
    )
    assert "metastatic_cord_compression" not in quiet and quiet.get("tumour") == "urgent"
    # NHS Lothian: new nerve-root pain, or the same pain getting worse, goes to the MSCC pathway.
    new = fired(shipped, visit({**stable, "symptom_duration": 4}))
    assert new.get("metastatic_cord_compression") == "emergency"
    worse = fired(shipped, visit({**stable, "progressive_symptoms": "yes"}))
    assert worse.get("metastatic_cord_compression") == "emergency"
    # Weakness on examination counts whatever the duration.
    weak = fired(shipped, visit(stable, {"ankle_dorsiflexion_mrc": {"right": 4}}))
    assert weak.get("metastatic_cord_compression") == "emergency"


def test_a_blood_thinner_with_a_stable_sciatic_deficit_is_not_a_buttock_bleed(shipped):
    on_apixaban = {**SCIATICA, "anticoagulant_use": "yes", "age_years": 78, "symptom_duration": 52}
    stable = visit(
        {**on_apixaban, "severe_pain_out_of_proportion": "no"}, {"ehl_mrc": {"right": 4}}
    )
    assert "gluteal_compartment_syndrome" not in fired(shipped, stable)
    # The same patient after a fall, or with severe pain: a bleed into the buttock until excluded.
    fall = visit({**on_apixaban, "minor_trauma": "yes"}, {"ehl_mrc": {"right": 4}})
    assert fired(shipped, fall).get("gluteal_compartment_syndrome") == "emergency"
    severe = visit({**on_apixaban, "severe_pain_out_of_proportion": "yes"})
    assert fired(shipped, severe).get("gluteal_compartment_syndrome") == "emergency"


def test_sciatica_that_began_before_a_long_operation_is_not_post_operative_compression(shipped):
    before = {**SCIATICA, "recent_surgery": "yes", "surgery_hours": 3, "symptom_duration": 104}
    assert "gluteal_compartment_syndrome" not in fired(shipped, visit(before))
    # Worsening pain after the operation still fires it (Khalifa 2020).
    worse = visit({**before, "progressive_symptoms": "yes"})
    assert fired(shipped, worse).get("gluteal_compartment_syndrome") == "emergency"
    new = visit({**before, "symptom_duration": 0.5})
    assert fired(shipped, new).get("gluteal_compartment_syndrome") == "emergency"


def test_a_runner_with_gluteal_tendinopathy_after_a_load_increase_raises_no_fracture_alarm(
    shipped,
):
    runner = {
        "age_years": 44,
        "running_sport": "yes",
        "running_load_increase": "yes",
        "pain_weight_bearing": "yes",
        "lateral_hip_pain": "yes",
    }
    tendon = visit(runner, {"single_leg_stance": RIGHT_POS}, pain_at("greater_trochanter"))
    assert "bone_stress_injury" not in fired(shipped, tendon)
    hamstring = visit({**runner, "lateral_hip_pain": "no"}, None, pain_at("ischial_tuberosity"))
    assert "bone_stress_injury" not in fired(shipped, hamstring)
    # The same load story with groin or sacral pain is a femoral neck or sacral stress fracture
    # until excluded (Robertson and Wood 2017; Kahanov 2011).
    for region in ("groin", "sacroiliac"):
        alerts = fired(shipped, visit({**runner, "lateral_hip_pain": "no"}, None, pain_at(region)))
        assert alerts.get("bone_stress_injury") == "urgent", region
    # And a painful hop fires it wherever the pain was drawn.
    hop = visit(runner, {"hop_test_pain": RIGHT_POS}, pain_at("greater_trochanter"))
    assert fired(shipped, hop).get("bone_stress_injury") == "urgent"


# Everyday outpatients, each as a physiotherapist records them: none may raise an urgent or
# emergency alarm (a routine review notice is allowed where a weak flag is present).
EVERYDAY = {
    "gluteal tendinopathy, 52-year-old woman": visit(
        {
            "age_years": 52,
            "sex": "female",
            "lateral_hip_pain": "yes",
            "pain_lying_on_side": "yes",
            "stairs_limited": "yes",
            "walking_limited": "yes",
            "symptom_duration": 30,
            "trauma_or_fall": "no",
        },
        {"single_leg_stance": RIGHT_POS},
        pain_at("greater_trochanter"),
    ),
    "proximal hamstring tendinopathy in a runner": visit(
        {
            "age_years": 34,
            "running_sport": "yes",
            "pain_with_running": "yes",
            "running_load_increase": "yes",
            "pain_on_sitting": "yes",
            "symptom_duration": 12,
        },
        {"ischial_palpation": RIGHT_POS},
        pain_at("ischial_tuberosity"),
    ),
    "acute unilateral sciatica, 6 weeks": visit(
        {
            **SCIATICA,
            "age_years": 41,
            "symptom_duration": 6,
            "bilateral_leg_symptoms": "no",
            "progressive_weakness": "no",
            "saddle_anaesthesia": "no",
            "bladder_bowel_change": "no",
            "history_of_cancer": "no",
            "fever": "no",
        },
        {"slr": RIGHT_POS},
    ),
    "hip osteoarthritis, 70-year-old": visit(
        {
            "age_years": 70,
            "groin_pain": "yes",
            "pain_weight_bearing": "yes",
            "walking_limited": "yes",
            "symptom_duration": 104,
            "trauma_or_fall": "no",
            "osteoporosis": "no",
            "long_term_steroids": "no",
        },
        {"hip_internal_rotation_reduced": RIGHT_POS},
        pain_at("groin"),
    ),
    "post-partum sacroiliac pain": visit(
        {
            "age_years": 31,
            "sex": "female",
            "pregnancy_postpartum": "yes",
            "pain_weight_bearing": "yes",
            "pain_rising_from_sitting": "yes",
            "symptom_duration": 10,
        },
        None,
        pain_at("sacroiliac"),
    ),
    "hamstring strain after a sprint, no gap or bruising": visit(
        {
            "age_years": 24,
            "sudden_effort_onset": "yes",
            "onset_type": "sharp",
            "pop_and_bruising": "no",
            "symptom_duration": 1,
        },
        {"palpable_tendon_gap": RIGHT_NEG, "posterior_thigh_bruising": RIGHT_NEG},
        pain_at("posterior_thigh"),
    ),
    "piriformis syndrome in an office worker": visit(
        {
            **SCIATICA,
            "age_years": 38,
            "pain_on_sitting": "yes",
            "sitting_tolerance": 20,
            "symptom_duration": 20,
            "bilateral_leg_symptoms": "no",
        },
        None,
        pain_at("deep_gluteal"),
    ),
}


@pytest.mark.parametrize("story", sorted(EVERYDAY))
def test_an_everyday_outpatient_raises_no_urgent_or_emergency_alarm(shipped, story):
    alarms = {f: u for f, u in fired(shipped, EVERYDAY[story]).items() if u != "routine"}
    assert not alarms, story


def test_diabetes_is_asked_once_and_a_stable_deficit_in_a_diabetic_is_no_infection_alarm(shipped):
    # Diabetes is its own risk factor (Yusuf 2019), not part of the immunosuppression question:
    # a diabetic answering that question "yes" would fire the deficit emergency without fever.
    assert "diabetes" not in shipped.prompts["immunosuppression"].question.lower()
    assert "diabetes" in shipped.prompts["diabetes"].question.lower()
    stable = {**SCIATICA, "diabetes": "yes", "immunosuppression": "no", "symptom_duration": 26}
    quiet = fired(shipped, visit({**stable, "fever": "no"}, {"ehl_mrc": {"right": 4}}))
    assert not {"infection_neurological", "infection_systemic", "infection"} & set(quiet)
    febrile = fired(shipped, visit({**stable, "fever": "yes"}, {"ehl_mrc": {"right": 4}}))
    assert febrile.get("infection_neurological") == "emergency"
    assert febrile.get("infection_systemic") == "emergency"
