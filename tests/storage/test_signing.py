"""Signing is a storage operation: the rule holds for every caller, not only the GUI. Every
signature, amendment and acknowledgement names a clinician of this database."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop_app.core.diagnosis import assess
from desktop_app.core.errors import InvalidObservation
from desktop_app.core.observations import Mark
from desktop_app.core.records import Patient
from desktop_app.core.signing import SigningRefused
from desktop_app.storage.repository import Repository
from tests.storage.helpers import signer


@pytest.fixture
def ada(repo: Repository) -> int:
    return repo.add_clinician("Dr Ada Jones", "Physiotherapist", "PH123").id


def test_signing_with_an_unacknowledged_urgent_flag_is_refused(
    repo: Repository, patient: Patient, ada: int
) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    repo.save_answer(visit.id, "fever", "yes")
    repo.save_answer(visit.id, "drug", "steroid")  # raises the urgent flag "hot"
    with pytest.raises(SigningRefused, match="Fever and steroid"):
        repo.sign_visit(visit.id, by=ada)
    stored = repo.get_visit(visit.id)
    assert not stored.is_signed and stored.signed_by == ""
    assert [e.action for e in repo.audit_trail("visit", str(visit.id))].count("sign") == 0

    repo.acknowledge_red_flag(visit.id, "hot", True, "", by=ada)
    signed = repo.sign_visit(visit.id, by=ada)
    assert signed.is_signed


def test_a_routine_flag_does_not_block_signing(
    repo: Repository, patient: Patient, ada: int
) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    repo.save_answer(visit.id, "age", 75)
    repo.set_mark(visit.id, Mark("buttock", "depression", "left"), True)
    raised = assess(repo.kb, repo.get_visit(visit.id).observations).red_flags
    assert [f.urgency for f in raised] == ["routine"]
    assert repo.sign_visit(visit.id, by=ada).is_signed


def test_the_signature_names_the_signer_and_freezes_the_stored_differential(
    repo: Repository, patient: Patient, ada: int
) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    repo.save_answer(visit.id, "age", 70)
    expected = assess(repo.kb, repo.get_visit(visit.id).observations)
    signed = repo.sign_visit(visit.id, by=ada)
    signature = "Dr Ada Jones, Physiotherapist, reg. no. PH123"
    assert signed.signed_by == signature  # not the repository's actor ("Dr Test")
    assert signed.signed_differential == expected
    assert repo.get_visit(visit.id).signed_by == signature
    sign = next(e for e in repo.audit_trail("visit", str(visit.id)) if e.action == "sign")
    assert sign.actor == f"Dr Ada Jones (clinician {ada})"
    assert repo.verify() == []


def test_amendments_and_acknowledgements_name_their_clinician_in_the_audit_log(
    repo: Repository, patient: Patient, ada: int
) -> None:
    other = signer(repo, "Sam Lee")
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    repo.save_answer(visit.id, "fever", "yes")
    repo.save_answer(visit.id, "drug", "steroid")
    ack = repo.acknowledge_red_flag(visit.id, "hot", True, "", by=other)
    repo.sign_visit(visit.id, by=ada)
    amendment = repo.amend_visit(visit.id, "Also tender on the right.", "Omitted", by=other)
    assert ack.acknowledged_by == "Sam Lee"
    assert amendment.author == "Sam Lee, Physiotherapist, reg. no. PH000001"
    actors = {e.action: e.actor for e in repo.audit_trail("visit", str(visit.id))}
    assert actors["acknowledge"] == actors["amend"] == f"Sam Lee (clinician {other})"
    assert actors["sign"] == f"Dr Ada Jones (clinician {ada})"
    assert "clinician" not in {e.actor for e in repo.audit_trail()}
    assert repo.verify() == []


def test_an_unknown_or_inactive_clinician_cannot_sign(
    repo: Repository, patient: Patient, ada: int
) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    with pytest.raises(InvalidObservation, match="clinicians of this database"):
        repo.sign_visit(visit.id, by=ada + 100)
    repo.update_clinician(replace(repo.clinician(ada), active=False))
    with pytest.raises(InvalidObservation, match="clinicians of this database"):
        repo.sign_visit(visit.id, by=ada)
    assert not repo.get_visit(visit.id).is_signed
    assert repo.clinicians() == [] and [c.id for c in repo.clinicians(include_inactive=True)] == [
        ada
    ]


def test_clinicians_are_validated_audited_and_never_deleted(repo: Repository) -> None:
    with pytest.raises(InvalidObservation, match="name"):
        repo.add_clinician("   ", "Physiotherapist")
    added = repo.add_clinician("  Zoë   Ng ", "Osteopath", " OS-1 ")
    assert (added.name, added.registration_number) == ("Zoë Ng", "OS-1")
    repo.update_clinician(replace(added, registration_number="OS-2"))
    assert repo.clinician(added.id).registration_number == "OS-2"
    trail = [(e.action, e.entity, e.entity_id) for e in repo.audit_trail("clinician")]
    assert trail == [("create", "clinician", str(added.id)), ("update", "clinician", str(added.id))]
    with pytest.raises(Exception, match="clinicians_kept"):
        repo.db.execute("DELETE FROM clinicians WHERE id = ?", [added.id])
