"""A marked region's intensity (0-10) and qualities: validated, stored with the visit, locked
and fingerprinted by the signature, gone with the region's last mark."""

from __future__ import annotations

import pytest

from desktop_app.core.errors import InvalidObservation, VisitLocked
from desktop_app.core.observations import Mark, RegionDetail
from desktop_app.core.records import Patient
from desktop_app.storage.repository import Repository
from tests.storage.helpers import signer


def test_details_are_checked_stored_and_signed(repo: Repository, patient: Patient) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    with pytest.raises(InvalidObservation, match="Mark the region"):
        repo.set_region_detail(visit.id, "buttock", "left", 5, ())
    repo.set_mark(visit.id, Mark("buttock", "pain", "left"), True)
    for bad in (11, -1, 2.5, True):
        with pytest.raises(InvalidObservation, match="0 to 10"):
            repo.set_region_detail(visit.id, "buttock", "left", bad, ())  # type: ignore[arg-type]
    with pytest.raises(InvalidObservation, match="quality"):
        repo.set_region_detail(visit.id, "buttock", "left", 5, ("throbbing",))
    obs = repo.set_region_detail(visit.id, "buttock", "left", 6, ())
    assert obs.regions == {("buttock", "left"): RegionDetail(6, ())}
    signed = repo.sign_visit(visit.id, by=signer(repo))
    assert signed.observations.regions == obs.regions  # and in its fingerprint (verify)
    with pytest.raises(VisitLocked):
        repo.set_region_detail(visit.id, "buttock", "left", 2, ())
    assert repo.verify() == []


def test_the_details_go_with_the_last_mark_of_the_region(
    repo: Repository, patient: Patient
) -> None:
    visit = repo.create_visit(patient.id, "initial", ["pain"])
    repo.set_mark(visit.id, Mark("buttock", "pain", "left"), True)
    repo.set_mark(visit.id, Mark("buttock", "depression", "left"), True)
    repo.set_region_detail(visit.id, "buttock", "left", 4, ())
    obs = repo.set_mark(visit.id, Mark("buttock", "pain", "left"), False)
    assert obs.regions == {("buttock", "left"): RegionDetail(4, ())}  # one mark still there
    obs = repo.set_mark(visit.id, Mark("buttock", "depression", "left"), False)
    assert obs.regions == {} and obs.marks == ()
