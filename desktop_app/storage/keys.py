"""The per-installation audit key: 32 random bytes in `audit.key` (0600) in the user data directory.

The key never enters the database, so someone who can change the database file but cannot read
the user's key file cannot write audit entries that verify (docs/storage.md, "Audit key").
Entries name their key by a short ID, so a database moved to another computer says which key it
needs rather than looking tampered with.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from desktop_app import paths
from desktop_app.core.errors import StorageError
from desktop_app.storage import private

KEY_FILE = "audit.key"
KEY_BYTES = 32
_cache: dict[Path, bytes] = {}


_folders: dict[tuple[str | None, ...], Path] = {}


def data_dir() -> Path:
    """paths.user_data_dir(), remembered per environment (it is asked at every audited write)."""
    env = tuple(os.environ.get(v) for v in ("XDG_DATA_HOME", "HOME", "LOCALAPPDATA", "APPDATA"))
    folder = _folders.get(env)
    if folder is None or not folder.is_dir():
        folder = _folders[env] = paths.user_data_dir()
    return folder


def key_path() -> Path:
    return data_dir() / KEY_FILE


@functools.lru_cache(maxsize=8)  # asked for every audit entry a verify checks
def key_id(key: bytes) -> str:
    """A short public name of a key (not enough to compute with it)."""
    return hashlib.sha256(b"gluteal-assess audit key id\0" + key).hexdigest()[:12]


def mac(key: bytes, text: str) -> str:
    """HMAC-SHA256 in hex (hmac.digest: OpenSSL's one-shot, no HMAC object per entry)."""
    return hmac.digest(key, text.encode("utf-8"), "sha256").hex()


def _read(path: Path) -> bytes:
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeError) as exc:
        raise StorageError(
            f"The audit key {path} cannot be read ({exc}). Nothing was written. Put back the copy "
            "of the key kept with your backups (docs/storage.md, 'Audit key')."
        ) from None
    if len(key) != KEY_BYTES:
        raise StorageError(
            f"The audit key {path} is not a key of this app ({len(key)} bytes). Nothing was "
            "written. Put back the copy of the key kept with your backups."
        )
    return key


def load(*, create: bool, folder: Path | None = None) -> bytes | None:
    """This installation's key; created (once, race-free) when `create`, else None if missing.

    `folder`: data_dir(), when the caller has just asked it (the audit anchor, at every commit).
    """
    path = key_path() if folder is None else folder / KEY_FILE
    if path in _cache:
        return _cache[path]
    if not path.exists():
        if not create:
            return None
        _create(path)
    key = _read(path)
    _cache[path] = key
    return key


def _create(path: Path) -> None:
    """Write a new key under a private temporary name, then link it into place (never replaced)."""
    spare = path.with_name(f".{KEY_FILE}.{os.getpid()}.tmp")
    private.write_file(spare, (secrets.token_hex(KEY_BYTES) + "\n").encode("ascii"))
    try:
        os.link(spare, path)  # fails if another process made the key first: theirs is kept
    except FileExistsError:
        pass
    except OSError:  # no hard links here: an exclusive create keeps the first key
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, private.FILE_MODE)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(spare.read_bytes())
                out.flush()
                os.fsync(out.fileno())
    finally:
        spare.unlink(missing_ok=True)
