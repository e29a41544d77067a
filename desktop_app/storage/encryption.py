"""Encryption at rest, optional and per database: SQLCipher (AES-256, the `sqlcipher3` binding)
behind the one connection function (database.connect).

A database is encrypted when it is created while a passphrase is given for its path (the
GLUTEAL_ASSESS_PASSPHRASE environment variable for commands, `unlock` for the window), or
converted with `encrypt-copy`. Its -wal file, its backups and the copies a restore makes are
encrypted with the same key; no page of it is ever written in plain text. SQLCipher derives the
key from the passphrase (PBKDF2-HMAC-SHA512, 256,000 rounds, SQLCipher 4 defaults).

A lost passphrase means lost data: nobody, this app included, can read the file without it.

Without SQLCipher installed, plain SQLite files work as before and an encrypted one is refused
with a message saying what is missing.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

from desktop_app.core.errors import StorageError

ENV = "GLUTEAL_ASSESS_PASSPHRASE"
HEADER = b"SQLite format 3\x00"  # every plain SQLite file starts so; an encrypted one never


def _binding() -> ModuleType | None:
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        return None
    module: ModuleType = dbapi2
    return module


_cipher = _binding()
# Every database error the storage layer may meet, whichever binding raised it.
DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error,) + ((_cipher.Error,) if _cipher else ())
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError,) + (
    (_cipher.IntegrityError,) if _cipher else ()
)
# An SQLite file's connection, either binding's (a clinic server's is neither).
CONNECTIONS: tuple[type[Any], ...] = (sqlite3.Connection,) + (
    (_cipher.Connection,) if _cipher else ()
)
DB_OR_OS_ERRORS: tuple[type[Exception], ...] = (*DB_ERRORS, OSError)
DB_OR_STORAGE_ERRORS: tuple[type[Exception], ...] = (*DB_ERRORS, StorageError)
_given: list[str] = []  # the passphrase given in this process (the window's unlock)


class PassphraseNeeded(StorageError):
    """The database is encrypted and no (or the wrong) passphrase was given."""


def available() -> bool:
    return _cipher is not None


def give(passphrase: str) -> None:
    """Use `passphrase` for the database (and its backups) in this process."""
    if not passphrase:
        raise PassphraseNeeded("Enter the database's passphrase.")
    _given[:] = [passphrase]


def forget() -> None:
    _given.clear()


def passphrase() -> str | None:
    """The passphrase given in this process, else the environment variable's, else None."""
    return (_given[0] if _given else None) or os.environ.get(ENV) or None


def passphrase_for(path: Path) -> str | None:
    """passphrase(), else, for an encrypted file, the one remembered for it in the OS keyring
    (storage/keychain.py: only when the user chose to remember it)."""
    secret = passphrase()
    if secret or _cipher is None or not is_encrypted(path):
        return secret
    from desktop_app.storage import keychain

    return keychain.recall(path)


def is_encrypted(path: Path) -> bool:
    """True for a file that looks like SQLCipher's: whole pages (a multiple of 512 bytes) that
    start with a random salt, not SQLite's header and not text (any other file is not ours)."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as file:
            start = file.read(len(HEADER))
    except OSError:
        return False
    if size == 0 or size % 512 or len(start) < len(HEADER) or start == HEADER:
        return False
    return not all(32 <= byte < 127 or byte in b"\t\n\r" for byte in start)


def _require() -> ModuleType:
    if _cipher is None:
        raise PassphraseNeeded(
            "This database is encrypted, and this installation has no SQLCipher (the "
            "'sqlcipher3' package). Install the app with encryption support to open it."
        )
    return _cipher


def _keyed(conn: Any, secret: str) -> Any:
    conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not a log line
    conn.execute("PRAGMA key = '" + secret.replace("'", "''") + "'")
    return conn


def connect(path: Path, uri: str, secret: str, timeout: float) -> Any:
    """An SQLCipher connection to `uri` keyed with `secret`, the key checked at once."""
    cipher = _require()
    conn = _keyed(cipher.connect(uri, uri=True, timeout=timeout, factory=_factory()), secret)
    conn.gluteal_secret = secret
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except cipher.DatabaseError:
        conn.close()
        raise PassphraseNeeded(
            f"The passphrase for {path} is wrong, or the file is not a database of this app. "
            "Without the right passphrase the records cannot be read by anyone: there is no "
            "way to recover them."
        ) from None
    return conn


def check(path: Path, secret: str) -> None:
    """Raise PassphraseNeeded unless `secret` opens the encrypted database at path."""
    from urllib.parse import quote

    connect(path, f"file:{quote(str(Path(path).resolve()))}?mode=ro", secret, 1.0).close()


def connect_like(conn: Any, target: Path) -> Any:
    """A connection for a copy of `conn`'s database (a backup, a restore's copy): encrypted with
    the same passphrase when `conn` is encrypted, plain SQLite otherwise."""
    secret = getattr(conn, "gluteal_secret", None)
    if secret is None:
        return sqlite3.connect(target)
    cipher = _require()
    copy = _keyed(cipher.connect(str(target), factory=_factory()), secret)
    copy.gluteal_secret = secret
    return copy


def _export(conn: Any, target: Path, secret: str) -> None:
    """sqlcipher_export: every table of conn's database into a new file keyed with `secret`
    ('' for a plain SQLite file)."""
    try:
        conn.execute("ATTACH DATABASE ? AS copy KEY ?", [str(target), secret])
        try:
            conn.execute("SELECT sqlcipher_export('copy')")
        finally:
            conn.execute("DETACH DATABASE copy")
    except DB_ERRORS as exc:  # a missing folder, a full disk: the copy is removed, not left half
        Path(target).unlink(missing_ok=True)
        raise StorageError(
            f"The copy {target} could not be written ({exc}). Nothing else was changed: check "
            "that its folder exists, can be written and has space."
        ) from None


def connect_encrypted_copy(source: Path, target: Path, secret: str) -> Any:
    """A keyed connection on the new file `target`, filled with every table of the plain database
    file `source` (read-only): the copy's pages are encrypted as they are written."""
    from urllib.parse import quote

    cipher = _require()
    into = f"file:{quote(str(Path(target).resolve()))}"
    copy = _keyed(cipher.connect(into, uri=True, factory=_factory()), secret)
    copy.gluteal_secret = secret
    try:
        uri = f"file:{quote(str(Path(source).resolve()))}?mode=ro"
        copy.execute("ATTACH DATABASE ? AS plain KEY ''", [uri])
        try:
            copy.execute("SELECT sqlcipher_export('main', 'plain')")
        finally:
            copy.execute("DETACH DATABASE plain")
    except BaseException:
        copy.close()
        raise
    return copy


def encrypted_copy(source: Path, target: Path, secret: str) -> None:
    """Write an encrypted copy of the plain database file `source`."""
    cipher = _require()
    if not secret:
        raise PassphraseNeeded(f"Give the new passphrase in {ENV} to write an encrypted copy.")
    conn = cipher.connect(str(source))
    try:
        _export(conn, target, secret)
    finally:
        conn.close()


def decrypted_copy(conn: Any, target: Path) -> None:
    """Write a plain SQLite copy of the encrypted database open on `conn`."""
    if getattr(conn, "gluteal_secret", None) is None:
        raise PassphraseNeeded("This database is not encrypted: a backup is its plain copy.")
    _export(conn, target, "")


def rekey(conn: Any, new_secret: str) -> None:
    """Change the passphrase of the encrypted database open on `conn` (every page rewritten)."""
    if getattr(conn, "gluteal_secret", None) is None:
        raise PassphraseNeeded("This database is not encrypted: use encrypt-copy first.")
    if not new_secret:
        raise PassphraseNeeded("Give the new passphrase.")
    conn.execute("PRAGMA rekey = '" + new_secret.replace("'", "''") + "'")
    conn.gluteal_secret = new_secret


_factories: list[type] = []


def _factory() -> type:
    """sqlcipher3's Connection with room for its passphrase (copies are keyed the same)."""
    if not _factories:
        cipher = _require()

        class KeyedConnection(cipher.Connection):  # type: ignore[name-defined,misc]
            gluteal_secret: str | None = None

        _factories.append(KeyedConnection)
    return _factories[0]
