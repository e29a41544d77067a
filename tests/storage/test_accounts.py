"""Clinician accounts on both engines: PINs stored only as scrypt hashes, unlocking audited, the
admin role guarding others' PINs and the lock setting, and every opened record audited."""

from __future__ import annotations

import pytest

from desktop_app.core.accounts import AccessDenied, IdleClock, hash_pin, pin_matches
from desktop_app.core.errors import InvalidObservation
from desktop_app.core.records import Patient
from desktop_app.storage.errors import RecordNotFound
from desktop_app.storage.repository import Repository
from tests.storage.helpers import signer


def test_a_pin_is_kept_only_as_a_salted_scrypt_hash(repo: Repository) -> None:
    alex = signer(repo, "Alex Morgan")
    pin = "zq-4711"  # not hex, so it cannot turn up by chance in the hex of a hash
    repo.set_pin(alex, pin, by=alex)
    (stored,) = repo.db.execute("SELECT pin_hash FROM user_accounts").fetchone()
    assert stored.startswith("scrypt$") and pin not in stored
    assert pin_matches(pin, stored) and not pin_matches("zq-4712", stored)
    assert hash_pin(pin) != hash_pin(pin)  # a fresh salt each time
    trail = repo.audit_trail()
    assert (trail[-1].action, trail[-1].detail) == ("set pin", "PIN set; first admin")
    assert all(pin not in e.detail for e in trail)
    assert repo.accounts_in_use() and repo.is_admin(alex)


def test_unlocking_needs_the_right_pin_and_is_audited(repo: Repository) -> None:
    alex = signer(repo, "Alex Morgan")
    repo.set_pin(alex, "4711", by=alex)
    with pytest.raises(AccessDenied, match="not Alex Morgan's PIN"):
        repo.unlock(alex, "1234")
    assert repo.unlock(alex, "4711").name == "Alex Morgan"
    actions = [(e.action, e.actor) for e in repo.audit_trail()[-2:]]
    assert actions == [
        ("unlock refused", f"Alex Morgan (clinician {alex})"),
        ("unlock", f"Alex Morgan (clinician {alex})"),
    ]
    assert repo.verify() == []


def test_only_an_admin_changes_another_clinicians_pin_or_role(repo: Repository) -> None:
    alex = signer(repo, "Alex Morgan")
    sam = signer(repo, "Sam Lee")
    repo.set_pin(alex, "4711", by=alex)  # the first PIN: Alex becomes the first admin
    with pytest.raises(AccessDenied):
        repo.set_pin(sam, "2222", by=sam)  # accounts in use: Sam cannot make their own
    repo.set_pin(sam, "2222", by=alex, by_pin="4711")
    assert not repo.is_admin(sam)
    with pytest.raises(AccessDenied, match="Only an admin"):
        repo.set_pin(alex, "0000", by=sam, by_pin="2222")
    with pytest.raises(AccessDenied, match="not Sam Lee's PIN"):
        repo.set_pin(sam, "3333", by=sam, by_pin="9999")
    repo.set_pin(sam, "3333", by=sam, by_pin="2222")  # their own, with their current PIN
    repo.unlock(sam, "3333")
    with pytest.raises(AccessDenied, match="not an admin"):
        repo.check_admin(sam, "3333")
    with pytest.raises(AccessDenied, match="not an admin"):
        repo.set_admin(sam, True, by=sam, by_pin="3333")
    with pytest.raises(AccessDenied, match="last admin"):
        repo.set_admin(alex, False, by=alex, by_pin="4711")
    repo.set_admin(sam, True, by=alex, by_pin="4711")
    repo.set_admin(alex, False, by=sam, by_pin="3333")
    assert repo.is_admin(sam) and not repo.is_admin(alex)
    assert [e.detail for e in repo.audit_trail() if e.action == "set role"] == [
        "admin",
        "not admin",
    ]


def test_the_idle_lock_minutes_are_an_admins_setting(repo: Repository) -> None:
    alex = signer(repo, "Alex Morgan")
    sam = signer(repo, "Sam Lee")
    assert repo.lock_minutes() == 5
    repo.set_pin(alex, "4711", by=alex)
    repo.set_pin(sam, "2222", by=alex, by_pin="4711")
    with pytest.raises(AccessDenied):
        repo.save_lock_minutes(1, by=sam, by_pin="2222")
    for bad in (0, 241, True):
        with pytest.raises(InvalidObservation):
            repo.save_lock_minutes(bad, by=alex, by_pin="4711")  # type: ignore[arg-type]
    repo.save_lock_minutes(2, by=alex, by_pin="4711")
    assert repo.lock_minutes() == 2
    repo.save_settings(repo.settings())  # the other settings keep it
    assert repo.lock_minutes() == 2


@pytest.mark.parametrize("pin", ["", "   ", "123", "x" * 129])
def test_a_too_short_or_long_pin_is_refused_with_a_message(repo: Repository, pin: str) -> None:
    alex = signer(repo, "Alex Morgan")
    with pytest.raises(InvalidObservation, match="PIN"):
        repo.set_pin(alex, pin, by=alex)
    assert not repo.accounts_in_use()


def test_opening_a_record_is_audited_with_who_opened_it(repo: Repository, patient: Patient) -> None:
    alex = signer(repo, "Alex Morgan")
    repo.record_view(patient.id, by=alex)
    repo.record_view(patient.id)
    views = [(e.actor, e.entity, e.entity_id) for e in repo.audit_trail() if e.action == "view"]
    assert views == [
        (f"Alex Morgan (clinician {alex})", "patient", str(patient.id)),
        (repo.actor, "patient", str(patient.id)),
    ]
    with pytest.raises(RecordNotFound):
        repo.record_view(patient.id + 1000, by=alex)
    assert repo.verify() == []


def test_an_inactive_clinician_cannot_unlock(repo: Repository) -> None:
    from dataclasses import replace

    alex = signer(repo, "Alex Morgan")
    sam = signer(repo, "Sam Lee")
    repo.set_pin(alex, "4711", by=alex)
    repo.set_pin(sam, "2222", by=alex, by_pin="4711")
    repo.update_clinician(replace(repo.clinician(sam), active=False))
    with pytest.raises(InvalidObservation, match="who works here: only they can use a PIN"):
        repo.unlock(sam, "2222")


def test_the_last_admin_who_works_here_cannot_be_marked_inactive(repo: Repository) -> None:
    """Accounts in use with no active admin would lock everyone out: the lock lists only active
    clinicians with a PIN, and Settings (where an admin is made) need an active admin's PIN."""
    from dataclasses import replace

    alex = signer(repo, "Alex Morgan")
    sam = signer(repo, "Sam Lee")
    repo.set_pin(alex, "4711", by=alex)  # the first admin
    repo.set_pin(sam, "2222", by=alex, by_pin="4711")
    with pytest.raises(AccessDenied, match="last admin"):
        repo.update_clinician(replace(repo.clinician(alex), active=False))
    assert repo.clinician(alex).active and repo.unlock(alex, "4711").id == alex
    repo.set_admin(sam, True, by=alex, by_pin="4711")
    repo.update_clinician(replace(repo.clinician(alex), active=False))  # Sam is an admin now
    with pytest.raises(AccessDenied, match="last admin"):
        repo.set_admin(sam, False, by=sam, by_pin="2222")  # Alex, inactive, cannot stand in
    assert repo.check_admin(sam, "2222").id == sam


def test_the_idle_clock() -> None:
    clock = IdleClock(minutes=2)
    clock.touch(1000.0)
    assert not clock.due(1000.0 + 119) and clock.remaining(1000.0 + 100) == 20
    assert clock.due(1000.0 + 120)
    clock.touch(1100.0)
    assert not clock.due(1000.0 + 120)
