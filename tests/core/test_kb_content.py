"""Content checks on the shipped knowledge base (resources/knowledge_base)."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from decimal import Decimal

import pytest

from desktop_app.core.knowledge import Accuracy, Figure, KnowledgeBase
from desktop_app.core.observations import Observations
from desktop_app.core.predicates import AnswerIs, ExamIs, MarkIs, Predicate

# What issue 2 lists, by knowledge-base ID.
CONDITIONS = {
    "post_injection_atrophy",
    "gluteal_tendinopathy",
    "deep_gluteal_syndrome",
    "gluteal_muscle_strain",
    "lumbar_radiculopathy",
    "piriformis_syndrome",
    "ischial_bursitis",
    "trochanteric_bursitis",
    "herniated_disc",
    "sij_dysfunction",
    "muscle_imbalance",
    "hamstring_injury",
    "pelvic_fracture",
    "hip_labral_tear",
    "myofascial_pain",
    "spinal_stenosis",
    "tumour",
    "infection_abscess",
    "glp1_volume_loss",
    "gluteal_compartment_syndrome",
    "nerve_pain_weight_change",
    "coccydynia",
    "cauda_equina_syndrome",
}
# The differential's conditions reserved in the data contract (issue 12).
DIFFERENTIAL_CONDITIONS = {
    "lumbar_referred_pain",
    "hip_intra_articular",
    "hip_osteoarthritis",
    "femoroacetabular_impingement",
    "axial_spondyloarthritis",
    "ischiofemoral_impingement",
    "pudendal_neuralgia",
    "visceral_referred_pain",
    "proximal_hamstring_tendinopathy",
    "gluteal_tendon_tear",
}
# The differential's findings reserved in the data contract (one finding, one answer).
DIFFERENTIAL_PROMPTS = {
    "sex": "single_choice",
    "running_sport": "yes_no",
    "pain_with_running": "yes_no",
    "no_improvement_with_treatment": "yes_no",
    "bmi": "number",
    "previous_spinal_surgery": "yes_no",
    "pain_constant": "yes_no",
    "pain_prolonged_standing": "yes_no",
    "previous_episodes": "yes_no",
    "morning_stiffness": "yes_no",
    "better_with_exercise": "yes_no",
    "nsaid_response": "yes_no",
    "spa_extra_articular": "yes_no",
    "family_history_spa": "yes_no",
    "alternating_buttock_pain": "yes_no",
    "pain_walking_provoked": "yes_no",
    "relief_sitting_flexion": "yes_no",
    "relief_standing_still": "yes_no",
    "childbirth_instrumental": "yes_no",
    "cyclical_pain": "yes_no",
    "groin_pain": "yes_no",
    "bending_worse": "yes_no",
    "perineal_genital_pain": "yes_no",
}
DIFFERENTIAL_EXAM_ITEMS = {
    "hip_internal_rotation_reduced",
    "hip_internal_rotation_pain",
    "hip_scour",
    "antalgic_gait",
    "superficial_buttock_tenderness",
    "diffuse_buttock_tenderness",
    "sij_palpation",
    "lumbar_centralisation",
    "lumbar_movement_reproduces",
    "resisted_knee_flexion_pain",
    "long_stride_walking",
    "ischiofemoral_impingement_test",
    "add_r",
    "fader_r",
}
PROMPTS = {
    "injection_history",
    "injection_drug",
    "injection_weeks_before",  # injections, drug, when
    "onset_type",  # sharp or gradual
    "current_pain",
    "walking_limited",
    "stairs_limited",
    "pain_lying_on_side",
    "radicular_symptoms",
    "pain_on_sitting",
    "sitting_tolerance",
    "trauma_or_fall",
    "weight_change",
    "glp1_drug",
    "immobilisation",
    "fever",
    "unexplained_weight_loss",
    "night_pain",
    "progressive_symptoms",
    "urine_colour",
    "saddle_anaesthesia",
    "bladder_bowel_change",
    "bilateral_leg_symptoms",
    "history_of_cancer",
    "immunosuppression",
    "iv_drug_use",
    "osteoporosis",
    "long_term_steroids",
    "age_years",
}
EXAM_ITEMS = {
    "depression_inspection",
    "depression_palpation",
    "gt_palpation",
    "single_leg_stance",
    "resisted_external_derotation",
    "faber",
    "fadir",
    "hip_abduction_strength",
    "trendelenburg",
    "seated_piriformis_stretch",
    "active_piriformis",
    "slr",
    "slump",
    "sij_distraction",
    "sij_thigh_thrust",
    "sij_compression",
    "sij_sacral_thrust",
    "sij_gaenslen",
    "puranen_orava",
    "bent_knee_stretch",
    "ischial_palpation",
    "coccyx_palpation",
    "buttock_tension_swelling",
    "neuro_dermatomes",
    "neuro_myotomes",
    "neuro_reflexes",
    "body_temperature",
    "local_infection_signs",
}
RED_FLAG_CONDITIONS = {
    "gluteal_compartment_syndrome",
    "cauda_equina_syndrome",
    "infection_abscess",
    "tumour",
    "pelvic_fracture",
}
BODY_CHART_REGIONS = {
    "lumbar",
    "sacroiliac",
    "upper_outer_buttock",
    "central_buttock",
    "deep_gluteal",
    "lower_buttock",
    "ischial_tuberosity",
    "coccyx",
    "greater_trochanter",
    "lateral_thigh",
    "posterior_thigh",
    "groin",
    "lower_leg",
}
ALL_ANSWER_TYPES = {
    "yes_no",
    "single_choice",
    "multiple_choice",
    "number",
    "scale",
    "date",
    "duration",
    "side",
    "text",
}
# Measures whose item text has no verified embedding licence (clinical-evidence.md §2).
UNLICENSED = {"visa_g", "visa_h", "ihot12", "odi", "rmdq"} | {
    f"hoos_{s}" for s in ("pain", "symptoms", "adl", "sport", "qol")
}


def test_the_shipped_knowledge_base_loads(shipped):
    assert shipped.version and shipped.fingerprint
    assert len(shipped.conditions) >= len(CONDITIONS | DIFFERENTIAL_CONDITIONS)


def test_every_listed_condition_prompt_and_exam_item_is_present(shipped):
    assert set(shipped.conditions) >= CONDITIONS | DIFFERENTIAL_CONDITIONS
    assert set(shipped.prompts) >= PROMPTS
    assert set(shipped.exam_items) >= EXAM_ITEMS
    assert {r.id for r in shipped.body_chart.regions} >= BODY_CHART_REGIONS
    assert {"gluteal_depression", "buttock_pain"} == set(shipped.presentations)
    assert {"nprs", "lefs", "psfs", "visa_g"} <= set(shipped.measures)


def test_the_reserved_differential_findings_have_their_contract_types(shipped):
    for pid, answer_type in DIFFERENTIAL_PROMPTS.items():
        assert shipped.prompts[pid].answer_type == answer_type, pid
    assert [o.id for o in shipped.prompts["sex"].options] == ["female", "male"]
    bmi = shipped.prompts["bmi"]
    assert (bmi.minimum, bmi.maximum) == (10, 80)
    for iid in DIFFERENTIAL_EXAM_ITEMS:
        item = shipped.exam_items[iid]
        assert item.result_type == "binary" and item.sided, iid


def test_the_prompts_use_every_answer_type(shipped):
    assert {p.answer_type for p in shipped.prompts.values()} == ALL_ANSWER_TYPES
    age = shipped.prompts["age_years"]
    assert (age.answer_type, age.unit, age.minimum, age.maximum) == ("number", "years", 0, 120)


def test_every_prompt_and_exam_item_belongs_to_a_presentation(shipped):
    asked = {p for pres in shipped.presentations.values() for p in pres.prompts}
    examined = {i for pres in shipped.presentations.values() for i in pres.exam_items}
    # A retired entry is kept for old visits but never asked, so no presentation lists it.
    assert {p.id for p in shipped.prompts.values() if not p.retired} == asked
    assert {i.id for i in shipped.exam_items.values() if not i.retired} == examined
    assert not asked & {p.id for p in shipped.prompts.values() if p.retired}


def test_every_prompt_has_help_text(shipped):
    assert [p.id for p in shipped.prompts.values() if len(p.help) < 20] == []


def test_injection_details_are_asked_only_after_an_injection(shipped):
    for prompt_id in ("injection_drug", "injection_weeks_before"):
        show_when = shipped.prompts[prompt_id].show_when
        assert show_when is not None
        assert show_when.evaluate(Observations(answers={"injection_history": "yes"})) is True
        assert show_when.evaluate(Observations(answers={"injection_history": "no"})) is False


def test_every_examination_item_says_how_and_what_is_positive(shipped):
    for item in shipped.exam_items.values():
        assert len(item.how_to) > 20, item.id
        assert item.positive, item.id
    strength = shipped.exam_items["hip_abduction_strength"]
    assert (strength.result_type, strength.minimum, strength.maximum) == ("measurement", 0, 5)


def _leaves(pred: Predicate) -> list[Predicate]:
    if hasattr(pred, "parts"):
        return [leaf for part in pred.parts for leaf in _leaves(part)]
    if hasattr(pred, "part"):
        return _leaves(pred.part)
    return [pred]


def _predicates(kb: KnowledgeBase) -> list[tuple[str, Predicate]]:
    found = [(f"prompt {p.id}", p.show_when) for p in kb.prompts.values() if p.show_when]
    for c in kb.conditions.values():
        found += [(f"{c.id}: {link.label}", link.when) for link in c.links]
    found += [(f"red flag {f.id}", f.when) for f in kb.red_flags.values()]
    return found


def test_every_reference_resolves(shipped):
    regions = {r.id for r in shipped.body_chart.regions}
    symptoms = {s.id for s in shipped.body_chart.symptoms}
    for where, pred in _predicates(shipped):
        for leaf in _leaves(pred):
            if isinstance(leaf, AnswerIs):
                assert leaf.prompt_id in shipped.prompts, where
            elif isinstance(leaf, ExamIs):
                assert leaf.item_id in shipped.exam_items, where
            else:
                assert isinstance(leaf, MarkIs), where
                assert leaf.symptom in symptoms and set(leaf.regions) <= regions, where
    cited = [a.source for i in shipped.exam_items.values() for a in i.accuracy]
    cited += [c.next_steps.source for c in shipped.conditions.values()]
    cited += [f.source for f in shipped.red_flags.values()]
    cited += [m.source for m in shipped.measures.values()] + [
        m.mcid.source for m in shipped.measures.values()
    ]
    cited += [link.source for c in shipped.conditions.values() for link in c.links]
    cited += [f.source for c in shipped.conditions.values() for f in c.priors.values()]
    assert {s for s in cited if s is not None} <= set(shipped.sources)
    targets = {a.target for i in shipped.exam_items.values() for a in i.accuracy}
    assert targets <= set(shipped.conditions)
    for flag in shipped.red_flags.values():
        assert set(flag.conditions) <= set(shipped.conditions), flag.id


def _provenance(kb: KnowledgeBase) -> list[tuple[str, str | None, bool, str]]:
    rows: list[tuple[str, str | None, bool, str]] = []
    for c in kb.conditions.values():
        for pid, prior in c.priors.items():
            rows.append((f"{c.id} prior {pid}", prior.source, prior.estimate, prior.rationale))
        for link in c.links:
            rows.append((f"{c.id}: {link.label}", link.source, link.estimate, link.rationale))
    for f in kb.red_flags.values():
        rows.append((f"red flag {f.id}", f.source, f.estimate, f.rationale))
    for m in kb.measures.values():
        mcid: Figure = m.mcid
        rows.append((f"{m.id} MCID", mcid.source, mcid.estimate, mcid.rationale))
    return rows


def test_every_figure_has_a_source_or_is_a_marked_estimate_with_a_rationale(shipped):
    for where, source, estimate, rationale in _provenance(shipped):
        assert source or estimate, where
        if estimate:
            assert len(rationale) > 10, where


def test_every_source_carries_a_verification_flag(shipped):
    for source in shipped.sources.values():
        assert source.verification in ("verified", "secondary", "recalled", "seed"), source.id
        assert len(source.citation) > 20, source.id


def _bounds(value: float) -> tuple[float, float]:
    """The interval a proportion reported to its decimals (at least two) stands for."""
    exponent = Decimal(repr(value)).as_tuple().exponent
    assert isinstance(exponent, int)
    half = 0.5 * 10.0 ** min(exponent, -2)
    return max(0.0, value - half), min(1.0, value + half)


def _consistent(acc: Accuracy) -> list[str]:
    """Which reported LRs disagree with Sn/(1-Sp) and (1-Sn)/Sp beyond rounding."""
    assert acc.sensitivity is not None and acc.specificity is not None
    sn_lo, sn_hi = _bounds(acc.sensitivity)
    sp_lo, sp_hi = _bounds(acc.specificity)
    wrong = []
    if acc.lr_pos is not None and sp_lo < 1:
        lo = sn_lo / (1 - sp_lo)
        hi = sn_hi / (1 - sp_hi) if sp_hi < 1 else math.inf
        lr_lo, lr_hi = _bounds_ratio(acc.lr_pos)
        if lr_hi < lo or lr_lo > hi:
            wrong.append(f"LR+ {acc.lr_pos} outside {lo:.3g}-{hi:.3g}")
    if acc.lr_neg is not None and sp_hi > 0:
        lo = (1 - sn_hi) / sp_hi
        hi = (1 - sn_lo) / sp_lo
        lr_lo, lr_hi = _bounds_ratio(acc.lr_neg)
        if lr_hi < lo or lr_lo > hi:
            wrong.append(f"LR- {acc.lr_neg} outside {lo:.3g}-{hi:.3g}")
    return wrong


def _bounds_ratio(value: float) -> tuple[float, float]:
    exponent = Decimal(repr(value)).as_tuple().exponent
    assert isinstance(exponent, int)
    half = 0.5 * 10.0 ** min(exponent, 0)
    return value - half, value + half


def test_accuracy_likelihood_ratios_agree_with_sensitivity_and_specificity(shipped):
    checked = 0
    for item in shipped.exam_items.values():
        for acc in item.accuracy:
            if acc.sensitivity is None or acc.specificity is None:
                continue
            # Meta-analyses pool LRs separately from Sn and Sp; the entry must say so.
            if "pooled lrs" in acc.note.lower():
                continue
            assert _consistent(acc) == [], f"{item.id} ({acc.source})"
            checked += 1
    assert checked >= 20


def test_the_consistency_check_catches_a_wrong_ratio():
    assert _consistent(Accuracy("x", "s", 0.78, 0.80, lr_pos=3.9, lr_neg=0.27)) == []
    assert _consistent(Accuracy("x", "s", 0.78, 0.80, lr_pos=5.0)) != []
    assert _consistent(Accuracy("x", "s", 0.78, 0.80, lr_neg=0.5)) != []


def _link(kb: KnowledgeBase, condition: str, label_start: str):
    return next(
        link for link in kb.conditions[condition].links if link.label.startswith(label_start)
    )


def test_evidence_file_warnings_are_respected(shipped):
    # A negative single-leg stance must not rule out gluteal tendinopathy (Grimaldi, not Lequesne).
    sls_absent = _link(shipped, "gluteal_tendinopathy", "Single-leg stance 30 s pain-free")
    assert sls_absent.lr_neg >= 0.5
    # A positive FADDIR is nearly useless.
    assert _link(shipped, "hip_labral_tear", "FADDIR").lr_pos <= 1.1


def test_correlated_tests_share_a_group(shipped):
    def group_of(condition: str, exam_id: str) -> set[str | None]:
        return {
            link.group
            for link in shipped.conditions[condition].links
            if any(
                isinstance(leaf, ExamIs) and leaf.item_id == exam_id for leaf in _leaves(link.when)
            )
        }

    for condition in ("lumbar_radiculopathy", "herniated_disc"):
        assert group_of(condition, "slr") == group_of(condition, "slump") == {"neural_tension"}
    for test in ("distraction", "thigh_thrust", "compression", "sacral_thrust", "gaenslen"):
        assert group_of("sij_dysfunction", f"sij_{test}") == {"sij_provocation"}
    # Palpation, resisted abduction, the Kinsella sequence and the loading tests (single-leg
    # stance, derotation, ADD-R, FADER-R, Trendelenburg) all load the same tendons: one group.
    for test in (
        "single_leg_stance",
        "resisted_external_derotation",
        "gt_palpation",
        "resisted_abduction_pain",
        "add_r",
        "fader_r",
        "trendelenburg",
    ):
        assert group_of("gluteal_tendinopathy", test) == {"gt_tendon_tests"}, test


def test_priors_and_urgencies(shipped):
    for c in shipped.conditions.values():
        assert set(c.priors) == set(shipped.presentations), c.id
        assert c.next_steps.imaging or c.next_steps.referral or c.next_steps.management, c.id
    for cid in ("cauda_equina_syndrome", "gluteal_compartment_syndrome"):
        assert shipped.conditions[cid].urgency == "emergency"
    flagged = {cid for f in shipped.red_flags.values() for cid in f.conditions}
    assert flagged >= RED_FLAG_CONDITIONS
    for f in shipped.red_flags.values():
        assert f.action, f.id


def test_measures_score_as_published(shipped):
    lefs = shipped.measures["lefs"]
    assert len(lefs.items) == 20 and lefs.scoring == "sum"
    assert {(i.minimum, i.maximum) for i in lefs.items} == {(0, 4)}
    assert (lefs.minimum, lefs.maximum, lefs.mcid.value, lefs.higher_is_better) == (0, 80, 9, True)
    psfs = shipped.measures["psfs"]
    assert psfs.patient_specific and psfs.max_items == 5 and psfs.scoring == "mean"
    assert (psfs.minimum, psfs.maximum) == (0, 10)
    assert shipped.measures["nprs"].higher_is_better is False


def test_measures_without_an_embedding_licence_are_total_only(shipped):
    for measure_id in UNLICENSED:
        measure = shipped.measures[measure_id]
        assert measure.scoring == "total_only" and measure.items == ()
    # Oswestry is licensed (Mapi): only the total from the clinic's own paper form is entered.
    # STarT Back needs Keele's agreement for use in a product and is not shipped.
    names = " ".join(m.name.lower() for m in shipped.measures.values())
    assert "start back" not in names


# Prompts that describe the visit rather than weigh a diagnosis: nothing reads them, on purpose.
DESCRIPTIVE_PROMPTS = {
    "onset_date",  # dates the episode for follow-up
    "symptom_side",  # the side; the body chart carries the site
    "other_history",  # free text
}


def _weighing_predicates(kb: KnowledgeBase) -> list[Predicate]:
    """Every condition a link, prior modifier or red-flag rule evaluates (not show-when)."""
    found: list[Predicate] = []
    for c in kb.conditions.values():
        found += [link.when for link in c.links]
        found += [m.when for m in c.prior_modifiers]
    for f in kb.red_flags.values():
        found.append(f.when)
        if f.safety_net_when is not None:
            found.append(f.safety_net_when)
    return found


def test_every_prompt_and_exam_item_is_used_by_a_link_or_rule(shipped):
    # A question asked, or a number collected, that nothing weighs is noise for the clinician.
    used = {ref for pred in _weighing_predicates(shipped) for ref in pred.references()}
    for p in shipped.prompts.values():
        if p.retired or p.id in DESCRIPTIVE_PROMPTS:
            continue
        assert ("answer", p.id) in used, f"prompt '{p.id}' is asked but no link or rule uses it"
    for item in shipped.exam_items.values():
        if item.retired:
            continue
        assert ("exam", item.id) in used, f"exam item '{item.id}' is tested but never weighed"


# Words that belong to the development notes, not to a clinician's screen or a patient's report.
INTERNAL_TEXT = re.compile(
    r"\bSeed [AB]\b|seed (text|document)|pending human review|clinical-evidence|\.md\b|§|"
    r"\[[MSVC]\]|\bverify\b|review locally|\bREADME\b|\bnote:|\bwe\b|\bour\b|\bTODO\b|"
    r"\bengineers?\b|\bsession \d|\btuning\b|held.out",
    re.IGNORECASE,
)


def _user_facing_text(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(where, text) for everything the app shows or prints from the knowledge base."""
    out: list[tuple[str, str]] = []
    for pres in kb.presentations.values():
        out += [
            (f"presentation {pres.id}", pres.name),
            (f"presentation {pres.id}", pres.description),
        ]
    for p in kb.prompts.values():
        out += [(f"prompt {p.id}", p.question), (f"prompt {p.id}", p.help)]
        out += [(f"prompt {p.id}", o.label) for o in p.options]
    for i in kb.exam_items.values():
        out += [(f"exam item {i.id}", t) for t in (i.name, i.how_to, i.positive)]
        for a in i.accuracy:
            out += [(f"exam item {i.id}", a.reference_standard), (f"exam item {i.id}", a.note)]
    for c in kb.conditions.values():
        where = f"condition {c.id}"
        out += [(where, c.name), (where, c.description)]
        out += [(where, f.rationale) for f in c.priors.values()]
        for link in c.links:
            out += [(where, link.label), (where, link.rationale)]
        out += [(where, m.rationale) for m in c.prior_modifiers]
        steps = c.next_steps
        out += [(where, t) for t in (*steps.imaging, *steps.referral, *steps.management)]
        out.append((where, steps.rationale))
    for s in kb.sources.values():
        out.append((f"source {s.id}", s.citation))
    for m in kb.measures.values():
        where = f"measure {m.id}"
        out += [(where, m.name), (where, m.instructions), (where, m.mcid.rationale)]
        out += [(where, m.licence), (where, m.suited_for.rationale if m.suited_for else "")]
    for flag in kb.red_flags.values():
        where = f"red flag {flag.id}"
        out += [(where, t) for t in (flag.name, flag.action, flag.rationale, flag.safety_net)]
    return out


def _internal_notes(kb: KnowledgeBase) -> list[str]:
    return [
        f"{where}: {text[:80]}"
        for where, text in _user_facing_text(kb)
        if INTERNAL_TEXT.search(text)
    ]


def test_no_user_facing_text_carries_internal_notes(shipped):
    # "Seed A/B", reviewers' remarks and internal file names mean nothing to a clinician; a
    # statement resting on an educational web article says so in words instead.
    assert _internal_notes(shipped) == []


@pytest.mark.parametrize(
    "text",
    [
        "As Seed A says",
        "see clinical-evidence.md",
        "pending human review",
        "[M]",
        "note: recheck this figure",
        "we read it as 0.04 %",
        "TODO cite",
        "owned by the red-flag engineer",
        "added in session 3",
    ],
)
def test_the_internal_notes_check_catches_a_violation(shipped, text):
    c = next(iter(shipped.conditions.values()))
    doctored = replace(
        shipped, conditions={**shipped.conditions, c.id: replace(c, description=text)}
    )
    assert _internal_notes(doctored) == [f"condition {c.id}: {text}"]


CITATION_YEAR = re.compile(r"\b(19|20)\d\d\b")
MISSING_SAID = re.compile(r"not (recorded|shown|captured)")


def test_every_citation_gives_its_year_or_says_it_is_missing(shipped):
    # A clinician cites author (or body), year and journal or title; where the source read did
    # not show one of them, the citation says so rather than leaving it out silently.
    undated = [
        sid
        for sid, s in shipped.sources.items()
        if not CITATION_YEAR.search(s.citation) and not MISSING_SAID.search(s.citation)
    ]
    assert undated == []


def test_an_educational_article_is_labelled_as_such(shipped):
    for sid in ("seed_a", "seed_b"):
        assert "not peer reviewed" in shipped.sources[sid].citation, sid
