"""Clinician accounts: a PIN (or password) per clinician, kept only as a salted scrypt hash, an
admin role for settings and clinicians, and the idle lock's clock. No Qt, no storage.

The PIN proves who is at the workstation: it unlocks the app after it locked itself when idle,
and an admin's PIN opens Settings and the clinician list once accounts are in use. scrypt
(RFC 7914, stdlib `hashlib.scrypt`) makes each guess cost memory and time; the parameters are
stored with the hash, so stronger ones can be adopted without invalidating older PINs.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass

from desktop_app.core.errors import AppError, InvalidObservation

MIN_PIN = 4
MAX_PIN = 128
# n=2**14, r=8, p=1: about 16 MB and ~50 ms per guess, the interactive-login choice in RFC 7914.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
DEFAULT_LOCK_MINUTES = 5  # idle minutes before the window asks for a PIN again
MAX_LOCK_MINUTES = 240
# Lock-out: after MAX_TRIES wrong PINs in a row a clinician waits FIRST_LOCKOUT_S, doubled with
# each further wrong PIN, at most MAX_LOCKOUT_S (so a guesser gets about 30 tries a day).
MAX_TRIES = 5
FIRST_LOCKOUT_S = 60
MAX_LOCKOUT_S = 3600


class AccessDenied(AppError):
    """A wrong PIN, or an act that needs an admin's PIN."""


def clean_pin(pin: str) -> str:
    """A PIN or password of MIN_PIN to MAX_PIN characters, not only spaces."""
    if not isinstance(pin, str) or not pin.strip():
        raise InvalidObservation("Enter a PIN.")
    if len(pin) < MIN_PIN:
        raise InvalidObservation(f"A PIN needs at least {MIN_PIN} characters.")
    if len(pin) > MAX_PIN:
        raise InvalidObservation(f"A PIN can have at most {MAX_PIN} characters.")
    return pin


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=HASH_BYTES
    )


def hash_pin(pin: str) -> str:
    """'scrypt$n$r$p$salt$hash' (hex) of a cleaned PIN, with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(clean_pin(pin), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """True when `pin` is the one `stored` was made from (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        found = _scrypt(pin, bytes.fromhex(salt), int(n), int(r), int(p))
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(found, bytes.fromhex(digest))


def clean_lock_minutes(minutes: int) -> int:
    """Idle minutes before the lock: 1 to MAX_LOCK_MINUTES."""
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise InvalidObservation("The idle lock needs a whole number of minutes.")
    if not 1 <= minutes <= MAX_LOCK_MINUTES:
        raise InvalidObservation(f"The idle lock must be between 1 and {MAX_LOCK_MINUTES} minutes.")
    return minutes


def parse_lock_minutes(text: str) -> int:
    """Idle minutes as typed (window or command line), checked by clean_lock_minutes."""
    try:
        minutes = int(text.strip())
    except ValueError:
        raise InvalidObservation(
            f"Type the idle minutes as a whole number from 1 to {MAX_LOCK_MINUTES}, for example "
            f"{DEFAULT_LOCK_MINUTES}."
        ) from None
    return clean_lock_minutes(minutes)


def lockout_seconds(failures: int) -> int:
    """How long a clinician is refused after `failures` wrong PINs in a row (0: not at all)."""
    if failures < MAX_TRIES:
        return 0
    return int(min(MAX_LOCKOUT_S, FIRST_LOCKOUT_S * 2 ** min(failures - MAX_TRIES, 12)))


def wait_wording(seconds: float) -> str:
    """'45 seconds', '4 minutes', '1 hour': how long a lock-out still lasts, rounded up."""
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = math.ceil(whole / 60)
    if minutes < 60:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    return "1 hour" if minutes == 60 else f"{math.ceil(minutes / 60)} hours"


@dataclass
class IdleClock:
    """When the window locks: `minutes` after the last thing the user did (times in seconds)."""

    minutes: int
    last_activity: float = 0.0

    def touch(self, now: float) -> None:
        self.last_activity = now

    def due(self, now: float) -> bool:
        return now - self.last_activity >= self.minutes * 60

    def remaining(self, now: float) -> float:
        """Seconds until the lock (0 when due)."""
        return max(0.0, self.minutes * 60 - (now - self.last_activity))
