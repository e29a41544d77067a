"""Rebuild the sample PDFs and their page images for a synthetic patient.

Run from the repository root: `.venv/bin/python -m docs.samples.make_samples` (needs pdftoppm).
The patient, clinic and clinician are invented. Everything goes through the real storage and
export code, as the app would.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from pathlib import Path

from desktop_app import paths
from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import load_knowledge_base
from desktop_app.core.observations import Mark
from desktop_app.core.records import Settings
from desktop_app.core.referral import ReferralLetter
from desktop_app.reporting import export_visit
from desktop_app.storage.repository import Repository

HERE = Path(__file__).resolve().parent
LETTER = ReferralLetter(
    addressee="On-call orthopaedic registrar, Emergency Department, Leeds General Infirmary",
    reason="New saddle numbness with left-sided sciatica: possible cauda equina syndrome.",
    question="Please assess for cauda equina syndrome today, including an emergency MRI of the "
    "lumbar spine.",
)
LEFT = "left"


def fill(
    repo: Repository,
    visit_id: int,
    answers: dict[str, object],
    exam: dict[str, tuple[str, object]],
    marks: list[tuple[str, str, str]],
) -> None:
    for prompt_id, value in answers.items():
        repo.save_answer(visit_id, prompt_id, value)
    for item_id, (side, value) in exam.items():
        repo.save_exam(visit_id, item_id, side, value)
    for region, symptom, side in marks:
        repo.set_mark(visit_id, Mark(region, symptom, side), True)


def build(repo: Repository) -> int:
    """Two visits of one synthetic patient; returns the follow-up's ID."""
    kb = repo.kb
    repo.save_settings(
        Settings(
            clinic_name="Riverside Physiotherapy (sample)",
            clinic_address="12 Mill Lane\nLeeds LS1 4AB\n0113 496 0000",
            page_size="A4",
        )
    )
    morgan = repo.add_clinician("Alex Morgan", "Physiotherapist", "PH000000").id
    patient = repo.create_patient(
        "Zoë Łukasiewicz", dt.date(1984, 3, 9), "female", clinic_id="RP-0042"
    )
    first = repo.create_visit(
        patient.id,
        "initial",
        ["gluteal_depression", "buttock_pain"],
        visit_date=dt.date(2026, 10, 2),
    )
    fill(
        repo,
        first.id,
        {
            "onset_type": "gradual",
            "symptom_duration": 10,
            "symptom_side": LEFT,
            "injection_history": "yes",
            "injection_drug": "corticosteroid",
            "injection_weeks_before": 8,
            "current_pain": 4,
            "pain_quality": ["dull_aching"],
            "lateral_hip_pain": "no",
            "pain_on_sitting": "yes",
            "sitting_tolerance": 45,
            "trauma_or_fall": "no",
            "saddle_anaesthesia": "no",
            "bladder_bowel_change": "no",
            "fever": "no",
            "night_pain": "no",
            "other_history": "Hay fever; a steroid injection into the left buttock in August.",
        },
        {
            "depression_inspection": (LEFT, "positive"),
            "depression_palpation": (LEFT, "positive"),
            "local_infection_signs": (LEFT, "negative"),
            "gt_palpation": (LEFT, "negative"),
            "single_leg_stance": (LEFT, "negative"),
            "active_piriformis": (LEFT, "negative"),
            "body_temperature": ("none", 36.8),
            "hip_abduction_strength": (LEFT, 5),
        },
        [("upper_outer_buttock", "depression", LEFT), ("central_buttock", "pain", LEFT)],
    )
    repo.save_measure(first.id, "nprs", {"current": 4})
    repo.save_plan(
        first.id,
        "Explained post-injection fat atrophy; usually improves over "
        "12–24 months. Gluteal strengthening programme. Review in 6 weeks.",
    )
    repo.sign_visit(first.id, by=morgan)

    second = repo.create_visit(
        patient.id, "follow_up", ["buttock_pain"], visit_date=dt.date(2026, 11, 13)
    )
    fill(
        repo,
        second.id,
        {
            "current_pain": 7,
            "radicular_symptoms": "yes",
            "pain_below_knee": "yes",
            "leg_worse_than_back": "yes",
            "saddle_anaesthesia": "yes",
            "bladder_bowel_change": "unknown",
            "bilateral_leg_symptoms": "no",
            "fever": "no",
        },
        {
            "slr": (LEFT, "positive"),
            "slump": (LEFT, "positive"),
            "neuro_dermatomes": (LEFT, "positive"),
            "neuro_reflexes": (LEFT, "inconclusive"),
            "active_piriformis": (LEFT, "negative"),
        },
        [
            ("deep_gluteal", "pain", LEFT),
            ("posterior_thigh", "pain", LEFT),
            ("lower_leg", "numbness_tingling", LEFT),
            ("upper_outer_buttock", "depression", LEFT),
        ],
    )
    repo.save_measure(second.id, "nprs", {"current": 7})
    repo.set_region_detail(second.id, "deep_gluteal", LEFT, 7, ("burning", "sharp"))
    repo.set_region_detail(second.id, "lower_leg", LEFT, 4, ("numbness", "pins_and_needles"))
    for alert in assess(kb, repo.get_visit(second.id).observations).red_flags:
        repo.acknowledge_red_flag(second.id, alert.flag_id, True, "", by=morgan)
    repo.save_plan(
        second.id,
        "Same-day emergency referral: the patient went to the Emergency "
        "Department with this letter. Phoned the on-call orthopaedic registrar at "
        "11:40.\nFollow up by phone tomorrow.",
    )
    repo.sign_visit(second.id, by=morgan)
    repo.amend_visit(
        second.id,
        "Patient phoned: MRI done the same evening; admitted.",
        "Outcome of the referral",
        by=morgan,
    )
    return second.id


def main() -> None:
    kb = load_knowledge_base(paths.KNOWLEDGE_BASE)
    with (
        tempfile.TemporaryDirectory() as tmp,
        Repository.open(Path(tmp) / "sample.sqlite3", kb, actor="Alex Morgan") as repo,
    ):
        visit_id = build(repo)
        for kind in ("summary", "referral"):
            for old in HERE.glob(f"sample-{kind}*.png"):
                old.unlink()
            letter = LETTER if kind == "referral" else None
            pdf = export_visit(repo, kb, visit_id, kind, HERE / f"sample-{kind}.pdf", letter=letter)
            prefix = HERE / f"sample-{kind}"
            subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True)
            pages = sorted(HERE.glob(f"sample-{kind}-*.png"))
            print(f"{pdf.name}: {', '.join(p.name for p in pages)}")


if __name__ == "__main__":
    main()
