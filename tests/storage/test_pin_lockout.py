"""The lock-out after repeated wrong PINs, on both engines: refused for a growing delay, kept
across a restart, every refusal and lock-out audited, lifted by an admin."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.accounts import AccessDenied, lockout_seconds, wait_wording
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository
from tests.storage.account_commands import opened, target
from tests.storage.helpers import signer

__all__ = ["target"]  # a fixture


def _wrong(repo: Repository, clinician: int, times: int) -> list[str]:
    said = []
    for _ in range(times):
        with pytest.raises(AccessDenied) as refused:
            repo.unlock(clinician, "0000")
        said.append(str(refused.value))
    return said


def _time_passes(repo: Repository, clinician: int) -> None:
    """The lock-out's end moved into the past, as if its minutes had gone by."""
    with repo.db.atomic():
        repo.db.execute(
            "UPDATE pin_failures SET locked_until = ? WHERE clinician_id = ?",
            ["2000-01-01T00:00:00+00:00", clinician],
        )


def test_the_delay_grows_and_is_worded_plainly() -> None:
    assert [lockout_seconds(n) for n in (1, 4, 5, 6, 7, 11, 12, 500)] == [
        0,
        0,
        60,
        120,
        240,
        3600,
        3600,
        3600,
    ]
    assert [wait_wording(s) for s in (1, 45.2, 60, 61, 3599, 3600)] == [
        "1 second",
        "46 seconds",
        "1 minute",
        "2 minutes",
        "1 hour",
        "1 hour",
    ]


def test_five_wrong_pins_lock_a_clinician_out_even_across_a_restart(
    target: str, kb: KnowledgeBase
) -> None:
    with opened(target, kb) as repo:
        alex = signer(repo, "Alex Morgan")
        sam = signer(repo, "Sam Lee")
        repo.set_pin(alex, "4711", by=alex)
        repo.set_pin(sam, "2222", by=alex, by_pin="4711")
        said = _wrong(repo, sam, 5)
        assert said[0] == "That is not Sam Lee's PIN. Try again."
        assert said[3].endswith("1 more wrong PIN and Sam Lee is locked out for a while.")
        assert said[4].startswith("That is not Sam Lee's PIN. Sam Lee is locked out after 5 wrong")
        assert "try again in 1 minute (at " in said[4] and "ask an admin" in said[4]
    with opened(target, kb) as repo:  # the next start: still locked out
        with pytest.raises(AccessDenied, match="locked out after 5 wrong PINs"):
            repo.unlock(sam, "2222")  # the right PIN is not even tried
        assert repo.unlock(alex, "4711").id == alex  # the others are not affected
        trail = [(e.action, e.detail) for e in repo.audit_trail() if e.entity_id == str(sam)]
        assert trail[-7:] == [
            *[("unlock refused", f"wrong PIN, {n} in a row") for n in range(1, 6)],
            ("lock out", "5 wrong PINs in a row: locked out for 1 minute"),
            ("unlock refused", trail[-1][1]),
        ]
        assert trail[-1][1].startswith("locked out until ")
        _time_passes(repo, sam)
        (said,) = _wrong(repo, sam, 1)  # one more wrong PIN: twice as long
        assert "try again in 2 minutes" in said
        _time_passes(repo, sam)
        assert repo.unlock(sam, "2222").id == sam  # the right PIN ends it
        assert repo.db.execute("SELECT count(*) FROM pin_failures").fetchone()[0] == 0
        assert _wrong(repo, sam, 1) == ["That is not Sam Lee's PIN. Try again."]  # counts afresh
        assert repo.verify() == []


def test_wrong_admin_pins_count_too_and_an_admin_lifts_the_lock_out(repo: Repository) -> None:
    alex = signer(repo, "Alex Morgan")
    sam = signer(repo, "Sam Lee")
    repo.set_pin(alex, "4711", by=alex)
    repo.set_pin(sam, "2222", by=alex, by_pin="4711")
    for _ in range(5):  # wrong PINs wherever they are typed: Settings, a PIN change, a command
        with pytest.raises(AccessDenied):
            repo.check_admin(alex, "1111")
    with pytest.raises(AccessDenied, match="Alex Morgan is locked out"):
        repo.set_pin(sam, "3333", by=alex, by_pin="4711")
    with pytest.raises(AccessDenied, match="Alex Morgan is locked out"):
        repo.check_pin(alex, "4711")
    assert repo.locked_out_until(alex) is not None
    with pytest.raises(AccessDenied, match="not an admin"):
        repo.lift_lockout(alex, by=sam, by_pin="2222")
    _wrong(repo, sam, 5)
    _time_passes(repo, sam)
    repo.unlock(sam, "2222")
    assert repo.locked_out_until(alex) is not None
    actions = [e.action for e in repo.audit_trail() if e.entity_id == str(alex)]
    assert actions.count("admin PIN refused") == 5 and actions.count("lock out") == 1
    assert actions.count("PIN change refused") == 1 and actions.count("unlock refused") == 1


def test_an_admin_lifts_a_lock_out_or_sets_a_new_pin(repo: Repository) -> None:
    alex = signer(repo, "Alex Morgan")
    sam = signer(repo, "Sam Lee")
    repo.set_pin(alex, "4711", by=alex)
    repo.set_pin(sam, "2222", by=alex, by_pin="4711")
    _wrong(repo, sam, 5)
    assert repo.lift_lockout(sam, by=alex, by_pin="4711") is True
    assert repo.locked_out_until(sam) is None and repo.unlock(sam, "2222").id == sam
    assert repo.lift_lockout(sam, by=alex, by_pin="4711") is False  # nothing to lift
    lifted = [e for e in repo.audit_trail() if e.action == "lift lock-out"]
    assert [(e.actor, e.entity_id) for e in lifted] == [
        (f"Alex Morgan (clinician {alex})", str(sam))
    ]
    _wrong(repo, sam, 5)
    repo.set_pin(sam, "5555", by=alex, by_pin="4711")  # Sam forgot it: a new one from the admin
    assert repo.audit_trail()[-1].detail == "PIN set; lock-out lifted"
    assert repo.unlock(sam, "5555").id == sam
    assert repo.verify() == []


def test_a_read_only_copy_unlocks_with_the_right_pin_and_counts_nothing(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    """A window on a read-only copy (another window writes the file, or damage was found) opens
    locked: the right PIN must open it, a wrong one is refused uncounted, a lock-out holds."""
    path = tmp_path / "visits.sqlite3"
    with Repository.open(path, kb, create=True) as repo:
        alex, sam = signer(repo, "Alex Morgan"), signer(repo, "Sam Lee")
        repo.set_pin(alex, "4711", by=alex)
        repo.set_pin(sam, "2222", by=alex, by_pin="4711")
        _wrong(repo, sam, 5)
        entries = len(repo.audit_trail())
    with Repository.open(path, kb, read_only=True) as copy:
        assert copy.unlock(alex, "4711").id == alex
        assert _wrong(copy, alex, 6)[-1] == "That is not Alex Morgan's PIN. Try again."
        with pytest.raises(AccessDenied, match="locked out after 5 wrong PINs"):
            copy.unlock(sam, "2222")
    with Repository.open(path, kb) as repo:
        assert len(repo.audit_trail()) == entries and repo.unlock(alex, "4711").id == alex
