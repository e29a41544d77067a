"""Realistic cases and benign mimics for the red-flag rules (tests/core/test_red_flag_rules.py).

Split from the test module to keep both small: the vascular rules, the soft-tissue mass and the
helpers shared by every red-flag test module (a visit, the rules a case fires; the shipped
knowledge base is the `shipped` fixture of tests/core/conftest.py).
"""

from __future__ import annotations

from typing import Any

from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.validation import observations_from_dict

Case = dict[str, Any]


def fired(kb: KnowledgeBase, data: Case) -> dict[str, str]:
    """The rules a case fires, with their urgency."""
    result = assess(kb, observations_from_dict(kb, data))
    return {alert.flag_id: alert.urgency for alert in result.red_flags}


def visit(
    answers: dict[str, Any],
    exam: dict[str, Any] | None = None,
    marks: list[dict[str, str]] | None = None,
) -> Case:
    return {
        "presentations": ["buttock_pain"],
        "answers": answers,
        "exam": exam or {},
        "marks": marks or [],
    }


RIGHT_POS = {"right": "positive"}
RIGHT_NEG = {"right": "negative"}
SCIATICA = {"radicular_symptoms": "yes", "pain_below_knee": "yes", "leg_worse_than_back": "yes"}
# Long-standing, stable bilateral leg symptoms of spinal stenosis: no cauda equina rule fires.
STENOSIS = {
    "radicular_symptoms": "yes",
    "bilateral_leg_symptoms": "yes",
    "symptom_duration": 104,
    "progressive_symptoms": "no",
    "progressive_weakness": "no",
    "pain_walking_provoked": "yes",
    "relief_sitting_flexion": "yes",
    "age_years": 74,
}
# Sudden buttock pain radiating to the calf, as a disc herniation or an embolus both begin.
SUDDEN_SCIATICA = {**SCIATICA, "onset_type": "sharp", "symptom_duration": 0.5, "age_years": 61}

# rule id -> (fires, benign mimic)
VASCULAR_AND_MASS_PAIRS: dict[str, tuple[Case, Case]] = {
    "arterial_aneurysm": (
        visit({"age_years": 71, "current_pain": 6}, {"pulsatile_abdominal_mass": "positive"}),
        visit({"age_years": 71, "current_pain": 6}, {"pulsatile_abdominal_mass": "negative"}),
    ),
    "pulsatile_mass_painless": (
        {
            "presentations": ["gluteal_depression"],
            "answers": {"current_pain": 0, "abdominal_pelvic_pain": "no"},
            "exam": {"pulsatile_abdominal_mass": "positive"},
        },
        {
            "presentations": ["gluteal_depression"],
            "answers": {"current_pain": 0},
            "exam": {"pulsatile_abdominal_mass": "negative"},
        },
    ),
    "vascular_claudication": (
        visit(
            {"pain_walking_provoked": "yes", "relief_standing_still": "yes", "age_years": 64},
            {"peripheral_pulses_reduced": RIGHT_POS},
        ),
        # Neurogenic claudication: eased only by sitting or bending, pulses normal.
        visit(
            {
                "pain_walking_provoked": "yes",
                "relief_standing_still": "no",
                "relief_sitting_flexion": "yes",
                "age_years": 64,
            },
            {"peripheral_pulses_reduced": RIGHT_NEG},
        ),
    ),
    "gluteal_artery_injury": (
        # Severe, unremitting buttock pain with calf paraesthesia weeks after a stab wound.
        visit({**SCIATICA, "buttock_wound_or_procedure": "yes", "pain_constant": "yes"}),
        # Local soreness a few days after a bone marrow biopsy: no mass, no nerve signs.
        visit(
            {
                "buttock_wound_or_procedure": "yes",
                "pain_constant": "no",
                "radicular_symptoms": "no",
            },
            {"palpable_mass": RIGHT_NEG, "neuro_myotomes": RIGHT_NEG},
        ),
    ),
    "gluteal_artery_procedure": (
        visit({**SCIATICA, "buttock_wound_or_procedure": "yes", "pain_constant": "no"}),
        visit({**SCIATICA, "buttock_wound_or_procedure": "no"}),
    ),
    "acute_limb_ischaemia": (
        visit({**SUDDEN_SCIATICA, "cold_pale_foot": "yes"}),
        # The same sudden sciatica with a warm, pink foot.
        visit({**SUDDEN_SCIATICA, "cold_pale_foot": "no"}, {"foot_ischaemia_signs": RIGHT_NEG}),
    ),
    "chronic_limb_ischaemia": (
        visit(
            {"cold_pale_foot": "yes", "onset_type": "gradual", "symptom_duration": 60},
            {"peripheral_pulses_reduced": RIGHT_POS},
        ),
        visit(
            {**SCIATICA, "cold_pale_foot": "no"},
            {"foot_ischaemia_signs": RIGHT_NEG, "buttock_skin_ischaemia": RIGHT_NEG},
        ),
    ),
    "soft_tissue_mass": (
        # A year of "hamstring strain" and sciatica, with a deep posterior thigh mass.
        visit(
            {**SCIATICA, "symptom_duration": 52, "no_improvement_with_treatment": "yes"},
            {"thigh_mass": RIGHT_POS},
        ),
        visit(
            {**SCIATICA, "symptom_duration": 52, "no_improvement_with_treatment": "yes"},
            {"thigh_mass": RIGHT_NEG, "palpable_mass": RIGHT_NEG},
        ),
    ),
    "high_risk_vital_signs": (
        visit({"fever": "yes"}, {"heart_rate": 134, "systolic_bp": 118}),
        # A nervous patient with a fast-normal pulse and normal pressure.
        visit({"fever": "no"}, {"heart_rate": 104, "systolic_bp": 128, "respiratory_rate": 16}),
    ),
    "unable_to_bear_weight": (
        visit({"minor_trauma": "yes", "unable_to_bear_weight": "yes", "age_years": 81}),
        # Painful but walking after the same fall.
        visit({"minor_trauma": "yes", "unable_to_bear_weight": "no", "age_years": 81}),
    ),
}

# Fracture presentations added in session 6: rule id -> (fires, benign mimic).
FRACTURE_CONTEXT_PAIRS: dict[str, tuple[Case, Case]] = {
    "child_unable_to_bear_weight": (
        # An 11-year-old who cannot walk on the leg after running, no injury (Nomura 2020).
        visit({"age_years": 11, "unable_to_bear_weight": "yes", "trauma_or_fall": "no"}),
        # A child limping after a knock who can still walk on the leg.
        visit({"age_years": 11, "unable_to_bear_weight": "no", "trauma_or_fall": "yes"}),
    ),
    "child_fever_limp": (
        # An 11-year-old with hip pain, a fever and a new limp for a week (pyomyositis, JBSR 2011).
        visit({"age_years": 11, "fever": "yes", "limp_reported": "yes", "symptom_duration": 1}),
        # A child limping after a knock, no fever.
        visit({"age_years": 11, "fever": "no", "limp_reported": "yes", "minor_trauma": "yes"}),
    ),
    "pregnancy_sacral_fracture": (
        # Caglar 2026: buttock pain weeks after a vaginal delivery, focal sacral tenderness.
        visit(
            {"age_years": 32, "sex": "female", "pregnancy_postpartum": "yes"},
            {"sacral_tenderness": RIGHT_POS, "sij_thigh_thrust": RIGHT_POS},
        ),
        # Pelvic girdle pain after childbirth: positive SIJ tests, walking hurts, sacrum not tender.
        visit(
            {
                "age_years": 31,
                "sex": "female",
                "pregnancy_postpartum": "yes",
                "pain_weight_bearing": "yes",
                "unable_to_bear_weight": "no",
            },
            {
                "sacral_tenderness": RIGHT_NEG,
                "sij_thigh_thrust": RIGHT_POS,
                "sij_compression": "positive",
            },
        ),
    ),
}
