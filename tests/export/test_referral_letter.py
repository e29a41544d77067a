"""The referral letter as sent: the addressee, reason and question accepted in the dialog, the
signed amendments, findings as short sentences by topic, and the audit entry that keeps it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Mark
from desktop_app.core.referral import ReferralLetter, suggested
from desktop_app.reporting import export_visit
from desktop_app.storage.repository import Repository
from tests.export.pdf_reading import text

LETTER = ReferralLetter(
    addressee="Dr Priya Shah, Spinal Surgery, Leeds General Infirmary",
    reason="New saddle numbness with sciatica since yesterday.",
    question="Does she need an emergency MRI of the lumbar spine tonight?",
)


def _signed_amended_visit(repo: Repository, kb: KnowledgeBase) -> tuple[int, int]:
    morgan = repo.add_clinician("Alex Morgan", "Physiotherapist", "PH000000")
    patient = repo.create_patient("Zoë Łukasiewicz", dt.date(1974, 3, 14), "female")
    visit = repo.create_visit(patient.id, "initial", ["buttock_pain"], dt.date(2026, 11, 13))
    repo.save_answer(visit.id, "saddle_anaesthesia", "yes")
    repo.save_answer(visit.id, "fever", "no")
    repo.save_exam(visit.id, "slr", "left", "positive")
    repo.save_exam(visit.id, "slump", "left", "positive")
    repo.set_mark(visit.id, Mark("posterior_thigh", "pain", "left"), True)
    for alert in assess(kb, repo.get_visit(visit.id).observations).red_flags:
        repo.acknowledge_red_flag(visit.id, alert.flag_id, True, "", by=morgan.id)
    repo.sign_visit(visit.id, by=morgan.id)
    repo.amend_visit(
        visit.id, "MRI done the same evening; admitted.", "Outcome of the referral", by=morgan.id
    )
    return visit.id, morgan.id


def test_the_letter_carries_what_was_accepted_and_the_amendment(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    with Repository.open(tmp_path / "visits.sqlite3", kb, actor="clinician") as repo:
        visit_id, morgan = _signed_amended_visit(repo, kb)
        pdf = export_visit(
            repo, kb, visit_id, "referral", tmp_path / "referral.pdf", author=morgan, letter=LETTER
        )
        content = text(pdf)
        for part in (LETTER.addressee, LETTER.reason, LETTER.question):
            assert part in content
        assert "MRI done the same evening; admitted." in content
        assert "Outcome of the referral" in content
        assert "Alex Morgan, Physiotherapist, reg. no. PH000000" in content
        # Findings: short sentences under their topic, not one run-on list.
        assert "Examination. Straight-leg raise positive on the left." in content
        assert "Body chart. Posterior thigh (left): pain." in content
        export = repo.audit_trail("visit", str(visit_id))[-1]
        assert export.action == "export"
        assert export.detail.startswith(f"referral (pdf); {LETTER.audit_detail()} sha256 ")
        assert LETTER.question in export.detail and repo.verify() == []


def test_the_suggested_letter_asks_about_the_flagged_condition(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    with Repository.open(tmp_path / "visits.sqlite3", kb) as repo:
        visit_id, _ = _signed_amended_visit(repo, kb)
        visit = repo.get_visit(visit_id)
        assert visit.signed_differential is not None
        letter = suggested(kb, visit.signed_differential)
    condition = kb.conditions["cauda_equina_syndrome"].name
    assert letter.reason.startswith("Red flag:") and condition in letter.question
    # The must-exclude condition leads: addressed as its rule's action begins (its urgency).
    assert letter.addressee == kb.red_flags["cauda_equina"].action.split(". ")[0] + "."
