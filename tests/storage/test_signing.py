"""Signing is a storage operation: the rule holds for every caller, not only the GUI."""

from __future__ import annotations

import pytest

from desktop_app.core.diagnosis import assess
from desktop_app.core.errors import InvalidObservation
from desktop_app.core.observations import Mark
from desktop_app.core.records import Patient
from desktop_app.core.signing import SigningRefused
from desktop_app.storage.repository import Repository


def test_signing_with_an_unacknowledged_urgent_flag_is_refused(
    repo: Repository, patient: Patient
) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    repo.save_answer(visit.id, "fever", "yes")
    repo.save_answer(visit.id, "drug", "steroid")  # raises the urgent flag "hot"
    with pytest.raises(SigningRefused, match="Fever and steroid"):
        repo.sign_visit(visit.id, signer="Dr Ada Jones")
    stored = repo.get_visit(visit.id)
    assert not stored.is_signed and stored.signed_by == ""
    assert [e.action for e in repo.audit_trail("visit", str(visit.id))].count("sign") == 0

    repo.acknowledge_red_flag(visit.id, "hot", True, "")
    signed = repo.sign_visit(visit.id, signer="Dr Ada Jones")
    assert signed.is_signed


def test_a_routine_flag_does_not_block_signing(repo: Repository, patient: Patient) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    repo.save_answer(visit.id, "age", 75)
    repo.set_mark(visit.id, Mark("buttock", "depression", "left"), True)
    raised = assess(repo.kb, repo.get_visit(visit.id).observations).red_flags
    assert [f.urgency for f in raised] == ["routine"]
    assert repo.sign_visit(visit.id, signer="Dr Ada Jones").is_signed


def test_the_signature_names_the_signer_and_freezes_the_stored_differential(
    repo: Repository, patient: Patient
) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    repo.save_answer(visit.id, "age", 70)
    expected = assess(repo.kb, repo.get_visit(visit.id).observations)
    signed = repo.sign_visit(visit.id, signer="Dr Ada Jones")
    assert signed.signed_by == "Dr Ada Jones"  # not the repository's actor ("Dr Test")
    assert signed.signed_differential == expected
    assert repo.get_visit(visit.id).signed_by == "Dr Ada Jones"
    assert repo.verify() == []


def test_a_blank_signer_is_refused(repo: Repository, patient: Patient) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    with pytest.raises(InvalidObservation, match="signer"):
        repo.sign_visit(visit.id, signer="  ")
    assert not repo.get_visit(visit.id).is_signed
