"""Restoring over an encrypted database keeps it encrypted: a backup made before encryption is
encrypted with the current database's key on its way in (storage/restore.py), atomically, and no
page of a record reaches the disk in plain text (the restored file, its -wal, the new backups).
Without that key the restore is refused with the way to give it. The reverse cases stay as the
backup was: an encrypted backup over a plain database stays encrypted; plain over plain is plain.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.app import main
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage import encryption
from desktop_app.storage.backup import startup_backup
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit

pytest.importorskip("sqlcipher3")
pytestmark = pytest.mark.sqlite_only
NAME = "Zoë Łukasiewicz"
SECRETS = [NAME.encode("utf-8"), b"ukasiewicz", b"Seen by GP this morning", b"Later Patient"]
KEY = "correct horse battery staple"


def _plaintext(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return [s for s in SECRETS if s in data]


def _leftovers(db: Path) -> list[str]:
    """Restore copies and journals left beside the database."""
    return sorted(p.name for p in db.parent.iterdir() if ".restor" in p.name)


@pytest.fixture(autouse=True)
def _no_passphrase(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(encryption.ENV, raising=False)
    encryption.forget()
    yield
    encryption.forget()


def _plain_backup_and_encrypted_db(
    tmp_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path, int]:
    """A plain database's backup (NAME, a signed visit), then the database encrypted (encrypt-copy)
    and one more patient written to it."""
    plain = tmp_path / "plain" / "visits.sqlite3"
    with Repository.open(plain, kb) as repo:
        patient = repo.create_patient(NAME, dt.date(1980, 5, 17), "female", "C-001")
        filled_visit(repo, patient.id)
    backup = tmp_path / "usb" / "before-encryption.sqlite3"
    assert main(["--db", str(plain), "backup", "--out", str(backup)]) == 0
    assert _plaintext(backup)  # the grep finds the records in a plain file
    monkeypatch.setenv(encryption.ENV, KEY)
    db = tmp_path / "clinic" / "visits.sqlite3"
    db.parent.mkdir()
    assert main(["--db", str(plain), "encrypt-copy", "--out", str(db)]) == 0
    with Repository.open(db, kb) as repo:
        repo.create_patient("Later Patient", dt.date(1990, 1, 1), "male")
    return backup, db, patient.id


def test_a_plain_backup_restored_over_an_encrypted_database_is_encrypted_with_its_key(
    tmp_path: Path,
    kb: KnowledgeBase,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    backup, db, patient_id = _plain_backup_and_encrypted_db(tmp_path, kb, monkeypatch)
    capsys.readouterr()
    assert main(["--db", str(db), "restore", str(backup)]) == 0
    out = capsys.readouterr().out
    assert "was not encrypted" in out and "same passphrase" in out
    assert encryption.is_encrypted(db) and _plaintext(db) == []
    assert _leftovers(db) == []
    kept = next(db.parent.glob("visits.replaced-*.sqlite3"))
    assert encryption.is_encrypted(kept) and _plaintext(kept) == []
    with Repository.open(db, kb) as repo:  # the same key opens it; its log is encrypted too
        assert [p.id for p in repo.search_patients("")] == [patient_id]
        assert repo.get_patient(patient_id).name == NAME
        filled_visit(repo, patient_id, sign=False)
        wal = Path(f"{db}-wal")
        assert wal.stat().st_size > 0 and _plaintext(wal) == []
        manual = repo.backup_to(tmp_path / "usb" / "after.sqlite3")
        assert repo.verify() == []
        assert "restore" in [e.action for e in repo.audit_trail()]
    rotated = startup_backup(db, keep=3)
    assert rotated is not None
    for path in (manual, rotated):
        assert encryption.is_encrypted(path) and _plaintext(path) == [], path
    assert main(["--db", str(db), "verify"]) == 0
    monkeypatch.setenv(encryption.ENV, "another passphrase")
    with pytest.raises(encryption.PassphraseNeeded):
        Repository.open(db, kb)  # encrypted with the database's key, not just any


@pytest.mark.parametrize("given", [None, "wrong passphrase"], ids=["missing", "wrong"])
def test_without_the_encrypted_databases_key_a_plain_restore_is_refused(
    tmp_path: Path,
    kb: KnowledgeBase,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    given: str | None,
) -> None:
    backup, db, _ = _plain_backup_and_encrypted_db(tmp_path, kb, monkeypatch)
    before = db.read_bytes()
    if given is None:
        monkeypatch.delenv(encryption.ENV)
    else:
        monkeypatch.setenv(encryption.ENV, given)
    capsys.readouterr()
    assert main(["--db", str(db), "restore", str(backup)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "passphrase" in err and "Nothing was restored" in err
    assert str(db) in err and "GLUTEAL_ASSESS_PASSPHRASE" in err
    assert db.read_bytes() == before and _leftovers(db) == []
    assert not list(db.parent.glob("visits.replaced-*"))


def test_an_encrypted_backup_over_a_plain_database_stays_encrypted_and_plain_stays_plain(
    tmp_path: Path,
    kb: KnowledgeBase,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    backup, encrypted_db, patient_id = _plain_backup_and_encrypted_db(tmp_path, kb, monkeypatch)
    encrypted_backup = tmp_path / "usb" / "encrypted.sqlite3"
    assert main(["--db", str(encrypted_db), "backup", "--out", str(encrypted_backup)]) == 0
    monkeypatch.delenv(encryption.ENV)
    plain_db = tmp_path / "other" / "visits.sqlite3"
    with Repository.open(plain_db, kb) as repo:
        repo.create_patient("Someone Else", dt.date(1970, 1, 1), "other")
    assert main(["--db", str(plain_db), "restore", str(backup)]) == 0  # plain over plain
    assert not encryption.is_encrypted(plain_db) and NAME.encode() in plain_db.read_bytes()

    monkeypatch.setenv(encryption.ENV, KEY)  # an encrypted backup needs its passphrase
    capsys.readouterr()
    assert main(["--db", str(plain_db), "restore", str(encrypted_backup)]) == 0
    assert "is now too" in capsys.readouterr().out
    assert encryption.is_encrypted(plain_db) and _plaintext(plain_db) == []
    with Repository.open(plain_db, kb) as repo:
        assert repo.get_patient(patient_id).name == NAME and repo.verify() == []


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork are POSIX")
@pytest.mark.parametrize(
    "step", ["copy page", "journal written", "old database kept", "log moved", "renamed"]
)
def test_an_encrypting_restore_killed_at_a_step_leaves_one_encrypted_database(
    tmp_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    from tests.storage.test_fault_restore import _kill_at

    backup, db, _ = _plain_backup_and_encrypted_db(tmp_path, kb, monkeypatch)
    assert _kill_at(step, 1, backup, db), step
    assert db.stat().st_size > 0
    with Repository.open(db, kb) as repo:  # the next open finishes the restore or drops it
        names = {p.name for p in repo.search_patients("")}
        assert names in ({NAME}, {NAME, "Later Patient"}), (step, names)
        assert repo.verify() == []
    assert _leftovers(db) == []
    for path in db.parent.iterdir():
        if path.is_file() and not path.name.endswith(".lock"):
            assert _plaintext(path) == [], (step, path.name)
