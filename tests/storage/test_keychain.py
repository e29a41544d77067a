"""The OS-keyring option for an encrypted database's passphrase (storage/keychain.py), with a real
keyring backend (keyrings.alt's file keyring, chosen on purpose as a user would): stored only when
asked, used by commands once stored, checked before it is stored, changed by rekey, removed by
forget-passphrase; no usable keyring is said plainly and the passphrase is asked as before."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.app import main
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage import encryption, keychain
from desktop_app.storage.errors import DatabaseCorrupt
from desktop_app.storage.repository import Repository
from tests.file_keyring import file_keyring, no_keyring

pytest.importorskip("sqlcipher3")
pytest.importorskip("keyring")
pytestmark = pytest.mark.sqlite_only
__all__ = ["file_keyring", "no_keyring"]  # fixtures
KEY = "a long passphrase for the clinic"
NAME = "Keyring Patient"


@pytest.fixture
def encrypted(tmp_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An encrypted database; afterwards no passphrase is given or in the environment."""
    db = tmp_path / "clinic" / "visits.sqlite3"
    monkeypatch.setenv(encryption.ENV, KEY)
    with Repository.open(db, kb) as repo:
        repo.create_patient(NAME, dt.date(1980, 1, 2), "female")
    monkeypatch.delenv(encryption.ENV)
    encryption.forget()
    assert encryption.is_encrypted(db)
    yield db
    encryption.forget()


def _stored(keyring_file: Path) -> str:
    return keyring_file.read_text(encoding="utf-8") if keyring_file.exists() else ""


def test_a_remembered_passphrase_opens_the_database_for_commands_until_forgotten(
    encrypted: Path,
    kb: KnowledgeBase,
    file_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(DatabaseCorrupt, match="or it is encrypted"):
        Repository.open(encrypted, kb)  # nothing remembered yet: nothing stored by itself
    assert _stored(file_keyring) == ""
    monkeypatch.setenv(encryption.ENV, KEY)
    assert main(["--db", str(encrypted), "remember-passphrase"]) == 0
    out = capsys.readouterr().out
    assert "PlaintextKeyring" in out and "forget-passphrase" in out
    # A real entry in the keyring's file (this backend only base64-encodes: docs/storage.md).
    assert base64.b64encode(KEY.encode()).decode() in _stored(file_keyring)
    assert KEY not in encrypted.read_bytes().decode("latin-1")
    monkeypatch.delenv(encryption.ENV)

    assert main(["--db", str(encrypted), "verify"]) == 0  # the keyring's passphrase opens it
    backup = encrypted.parent / "copy.sqlite3"
    assert main(["--db", str(encrypted), "backup", "--out", str(backup)]) == 0
    assert encryption.is_encrypted(backup)
    with Repository.open(encrypted, kb) as repo:
        assert [p.name for p in repo.search_patients("")] == [NAME]

    capsys.readouterr()
    assert main(["--db", str(encrypted), "forget-passphrase"]) == 0
    assert "was removed" in capsys.readouterr().out
    assert keychain.recall(encrypted) is None
    with pytest.raises(DatabaseCorrupt, match="or it is encrypted"):
        Repository.open(encrypted, kb)
    assert main(["--db", str(encrypted), "forget-passphrase"]) == 0
    assert "No passphrase" in capsys.readouterr().out


def test_a_wrong_passphrase_or_a_plain_database_is_never_remembered(
    encrypted: Path,
    kb: KnowledgeBase,
    file_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(encryption.ENV, "not the passphrase")
    assert main(["--db", str(encrypted), "remember-passphrase"]) == 2
    assert "no way to recover" in capsys.readouterr().err
    assert keychain.recall(encrypted) is None
    monkeypatch.delenv(encryption.ENV)
    assert main(["--db", str(encrypted), "remember-passphrase"]) == 2  # none given
    assert encryption.ENV in capsys.readouterr().err
    plain = encrypted.parent / "plain.sqlite3"
    Repository.open(plain, kb).close()
    monkeypatch.setenv(encryption.ENV, KEY)
    assert main(["--db", str(plain), "remember-passphrase"]) == 2
    assert "not encrypted" in capsys.readouterr().err
    assert keychain.recall(plain) is None and _stored(file_keyring) == ""


def test_rekey_changes_the_remembered_passphrase_and_restore_uses_it(
    encrypted: Path,
    kb: KnowledgeBase,
    file_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keychain.remember(encrypted, KEY)
    backup = encrypted.parent / "before.sqlite3"
    assert main(["--db", str(encrypted), "backup", "--out", str(backup)]) == 0
    monkeypatch.setenv("GLUTEAL_ASSESS_NEW_PASSPHRASE", "the new one")
    assert main(["--db", str(encrypted), "rekey"]) == 0
    assert "changed too" in capsys.readouterr().out
    assert keychain.recall(encrypted) == "the new one"
    assert main(["--db", str(encrypted), "verify"]) == 0
    keychain.remember(encrypted, KEY)  # the backup's (old) passphrase, as before the rekey
    assert main(["--db", str(encrypted), "restore", str(backup)]) == 0
    with Repository.open(encrypted, kb) as repo:
        assert [p.name for p in repo.search_patients("")] == [NAME]


def test_without_a_usable_keyring_it_says_so_and_nothing_is_stored(
    encrypted: Path,
    kb: KnowledgeBase,
    no_keyring: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert keychain.unavailable_reason() == "no system keyring was found on this computer"
    assert keychain.recall(encrypted) is None
    monkeypatch.setenv(encryption.ENV, KEY)
    assert main(["--db", str(encrypted), "remember-passphrase"]) == 2
    err = capsys.readouterr().err
    assert "cannot be remembered on this computer" in err and "asked at each start" in err
    assert "Traceback" not in err
    assert main(["--db", str(encrypted), "verify"]) == 0  # the environment's still works


def test_a_keyring_that_keeps_secrets_in_a_plain_file_is_not_used_by_chance(
    encrypted: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_keyring: None
) -> None:
    import keyring.core
    from keyrings.alt.file import PlaintextKeyring

    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no keyringrc.cfg
    keyring.core.set_keyring(PlaintextKeyring())  # what keyring picks when it is the only one
    reason = keychain.unavailable_reason()
    assert reason is not None and "plain file" in reason
    with pytest.raises(keychain.KeyringUnavailable, match="plain file"):
        keychain.remember(encrypted, KEY)
    assert not Path(PlaintextKeyring().file_path).exists()
