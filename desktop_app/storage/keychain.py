"""The OS keyring as an opt-in place for an encrypted database's passphrase (the `keyring`
package: Windows Credential Manager, the macOS Keychain, the Secret Service or KWallet on Linux).

Nothing is stored unless the user asks: "Remember on this computer" when the window asks for the
passphrase, or the `remember-passphrase` command; `forget-passphrase` removes it. One entry per
database file: service SERVICE, user name the file's full path. A keyring that keeps secrets in
a plain file (keyring's own rule: a priority below 1, such as keyrings.alt's PlaintextKeyring) is
used only when chosen on purpose (PYTHON_KEYRING_BACKEND, or keyringrc.cfg): never picked up by
chance. Without a usable keyring the passphrase is asked as before, and the reason is said.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from desktop_app.core.errors import StorageError

SERVICE = "gluteal-assess database passphrase"
log = logging.getLogger(__name__)


class KeyringUnavailable(StorageError):
    """No usable OS keyring, or it refused the request."""


def _account(db_path: Path) -> str:
    return str(Path(db_path).resolve())


def _chosen_on_purpose() -> bool:
    from keyring.util import platform_

    return (
        bool(os.environ.get("PYTHON_KEYRING_BACKEND"))
        or (platform_.config_root() / "keyringrc.cfg").is_file()
    )


def _backend() -> tuple[Any | None, str]:
    """The keyring to use and its name, or None and why there is none."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None, "the 'keyring' package is not installed with this app"
    try:
        chosen = keyring.get_keyring()
        name = type(chosen).__name__
        if isinstance(chosen, fail.Keyring):
            return None, "no system keyring was found on this computer"
        if chosen.priority < 1 and not _chosen_on_purpose():
            return None, (
                f"the only keyring found ({name}) would keep the passphrase in a plain file, "
                "so it is not used"
            )
    except Exception as exc:  # a keyring backend may fail in its own ways (D-Bus, the OS)
        return None, f"the system keyring cannot be used ({exc})"
    return chosen, name


def unavailable_reason() -> str | None:
    """Why the passphrase cannot be remembered on this computer; None when it can."""
    backend, why = _backend()
    return None if backend is not None else why


def backend_name() -> str:
    """The keyring in use (for messages), or why there is none."""
    return _backend()[1]


def recall(db_path: Path) -> str | None:
    """The passphrase remembered for db_path, or None (none remembered, or no usable keyring)."""
    backend = _backend()[0]
    if backend is None:
        return None
    try:
        secret: str | None = backend.get_password(SERVICE, _account(db_path))
    except Exception as exc:  # a locked or broken keyring: ask, as without one
        log.warning("the system keyring could not be read: %s", exc)
        return None
    return secret or None


def remember(db_path: Path, secret: str) -> str:
    """Store db_path's passphrase in the OS keyring; returns the keyring's name."""
    backend, why = _backend()
    if backend is None:
        raise KeyringUnavailable(
            f"The passphrase cannot be remembered on this computer: {why}. It is asked at each "
            "start (or read from GLUTEAL_ASSESS_PASSPHRASE for commands)."
        )
    try:
        backend.set_password(SERVICE, _account(db_path), secret)
    except Exception as exc:
        raise KeyringUnavailable(
            f"The system keyring ({why}) refused to store the passphrase ({exc}). Nothing was "
            "stored: it is asked at each start."
        ) from None
    return why


def forget(db_path: Path) -> bool:
    """Remove db_path's passphrase from the OS keyring; False when none was remembered."""
    backend, why = _backend()
    if backend is None:
        raise KeyringUnavailable(f"There is no usable system keyring on this computer: {why}.")
    if recall(db_path) is None:
        return False
    try:
        backend.delete_password(SERVICE, _account(db_path))
    except Exception as exc:
        raise KeyringUnavailable(
            f"The system keyring ({why}) did not remove the passphrase ({exc})."
        ) from None
    return True
