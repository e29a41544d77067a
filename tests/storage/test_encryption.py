"""Encryption at rest with SQLCipher: no plaintext page of a record on disk (the database, its
-wal, its backups, a restore's copy), the wrong or a missing passphrase a clear message, and the
encrypt-copy / decrypt-export / rekey commands, all on real files."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from desktop_app.app import COMMAND_ACTOR, App
from desktop_app.cli import build_parser
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage import encryption
from desktop_app.storage.backup import restore_database, startup_backup
from desktop_app.storage.errors import DatabaseCorrupt
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit, table_contents

pytest.importorskip("sqlcipher3")
pytestmark = pytest.mark.sqlite_only
NAME = "Zoë Łukasiewicz"
SECRETS = [NAME.encode("utf-8"), b"ukasiewicz", b"Seen by GP this morning"]


def _plaintext(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return [s for s in SECRETS if s in data]


def run(*argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    args.app = App(db=args.db, actor=COMMAND_ACTOR)
    return int(args.func(args))


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(encryption.ENV, "correct horse battery staple")
    yield "correct horse battery staple"
    encryption.forget()


def _records(path: Path, kb: KnowledgeBase) -> int:
    with Repository.open(path, kb) as repo:
        patient = repo.create_patient(NAME, dt.date(1980, 5, 17), "female", "C-001")
        filled_visit(repo, patient.id)
        if encryption.passphrase():  # the log is encrypted as it is written
            assert _plaintext(Path(f"{path}-wal")) == []
        return patient.id


def test_no_page_of_an_encrypted_database_or_its_backups_is_plain_text(
    tmp_path: Path, kb: KnowledgeBase, secret: str
) -> None:
    db = tmp_path / "clinic" / "visits.sqlite3"
    patient_id = _records(db, kb)
    with Repository.open(db, kb) as repo:
        manual = repo.backup_to(tmp_path / "usb" / "copy.sqlite3")
        assert repo.get_patient(patient_id).name == NAME
        assert repo.verify() == []
    rotated = startup_backup(db, keep=3)
    assert rotated is not None
    for path in (db, manual, rotated):
        assert encryption.is_encrypted(path), path
        assert _plaintext(path) == [], path


def test_a_missing_or_wrong_passphrase_says_so_and_changes_nothing(
    tmp_path: Path, kb: KnowledgeBase, secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "visits.sqlite3"
    _records(db, kb)
    before = db.read_bytes()
    monkeypatch.delenv(encryption.ENV)
    with pytest.raises(DatabaseCorrupt, match="or it is encrypted"):
        Repository.open(db, kb)
    monkeypatch.setenv(encryption.ENV, "wrong")
    with pytest.raises(encryption.PassphraseNeeded, match="no way to recover"):
        Repository.open(db, kb)
    assert db.read_bytes() == before
    monkeypatch.setenv(encryption.ENV, secret)
    with Repository.open(db, kb) as repo:  # the refused open left no writer lock behind
        assert not repo.read_only, repo.read_only_reason


def test_an_encrypted_backup_restores_encrypted_and_intact(
    tmp_path: Path, kb: KnowledgeBase, secret: str
) -> None:
    db = tmp_path / "visits.sqlite3"
    patient_id = _records(db, kb)
    with Repository.open(db, kb) as repo:
        backup = repo.backup_to(tmp_path / "backup.sqlite3")
        repo.create_patient("Later Patient", dt.date(1990, 1, 1), "male")
    kept = restore_database(backup, db)
    assert kept is not None and encryption.is_encrypted(kept)
    assert encryption.is_encrypted(db) and _plaintext(db) == []
    with Repository.open(db, kb) as repo:
        assert [p.id for p in repo.search_patients("")] == [patient_id]
        assert repo.verify() == []


def test_encrypt_copy_decrypt_export_and_rekey(
    tmp_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "visits.sqlite3"
    _records(plain, kb)  # no passphrase yet: a plain file
    assert not encryption.is_encrypted(plain)
    assert _plaintext(plain)  # the check finds the records in a plain file
    original = table_contents(plain)
    monkeypatch.setenv(encryption.ENV, "first secret")
    locked = tmp_path / "encrypted.sqlite3"
    assert run("--db", str(plain), "encrypt-copy", "--out", str(locked)) == 0
    assert encryption.is_encrypted(locked) and _plaintext(locked) == []

    exported = tmp_path / "exported.sqlite3"
    assert run("--db", str(locked), "decrypt-export", "--out", str(exported)) == 0
    assert table_contents(exported) == original  # every record, readable by plain SQLite

    monkeypatch.setenv("GLUTEAL_ASSESS_NEW_PASSPHRASE", "second secret")
    assert run("--db", str(locked), "rekey") == 0
    with pytest.raises(encryption.PassphraseNeeded):
        Repository.open(locked, kb)  # the old passphrase no longer opens it
    monkeypatch.setenv(encryption.ENV, "second secret")
    with Repository.open(locked, kb) as repo:
        assert repo.search_patients("lukasiewicz")[0].name == NAME
        assert [e.action for e in repo.audit_trail()][-2:] == ["decrypt export", "rekey"]
        assert repo.verify() == []
    conn = sqlite3.connect(exported)  # the plain export is an ordinary SQLite database
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_only_a_file_that_looks_like_sqlcipher_counts_as_encrypted(
    tmp_path: Path, kb: KnowledgeBase, secret: str
) -> None:
    db = tmp_path / "visits.sqlite3"
    _records(db, kb)
    text = tmp_path / "notes.sqlite3"
    text.write_bytes(b"this is not a database, just some text " * 512)  # 512 x 39 bytes
    page_of_text = tmp_path / "page.sqlite3"
    page_of_text.write_bytes(b"x" * 4096)
    assert encryption.is_encrypted(db)
    assert not any(encryption.is_encrypted(p) for p in (text, page_of_text, tmp_path / "none"))


def test_a_copy_that_cannot_be_written_says_so_in_one_line(
    tmp_path: Path, kb: KnowledgeBase, secret: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLCipher's own errors (not sqlite3.Error) while writing a copy: a message, no traceback."""
    from desktop_app.app import main

    db = tmp_path / "visits.sqlite3"
    _records(db, kb)  # encrypted (the passphrase is set)
    missing = tmp_path / "no such folder" / "copy.sqlite3"
    assert main(["--db", str(db), "decrypt-export", "--out", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("error: ") and str(missing) in err
    assert not missing.parent.exists()
    with Repository.open(db, kb) as repo:
        assert "decrypt export" not in [e.action for e in repo.audit_trail()]


def test_an_encrypted_backup_restored_without_its_passphrase_says_so(
    tmp_path: Path,
    kb: KnowledgeBase,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from desktop_app.app import main

    locked = tmp_path / "encrypted.sqlite3"
    monkeypatch.setenv(encryption.ENV, "a secret")
    _records(locked, kb)
    backup = tmp_path / "backup.sqlite3"
    assert main(["--db", str(locked), "backup", "--out", str(backup)]) == 0
    monkeypatch.delenv(encryption.ENV)
    encryption.forget()
    plain = tmp_path / "plain.sqlite3"
    _records(plain, kb)
    capsys.readouterr()
    assert main(["--db", str(plain), "restore", str(backup)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "passphrase" in err and str(backup) in err
