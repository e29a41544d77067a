"""Checking a clinician's PIN, with the lock-out after repeated wrong ones (migration 0012).

Every PIN the app is given (unlocking, an admin's PIN, a command's `--clinician`) is checked
here. Wrong PINs in a row are counted per clinician in the database, so a restart does not reset
them; after core.accounts.MAX_TRIES the clinician is refused for a growing delay
(core.accounts.lockout_seconds) without the PIN even being tried. Each refusal and each lock-out
is an audit entry. A right PIN, a new PIN set by an admin, an admin lifting the lock-out or the
recovery command (storage/accounts.py) end it.
"""

from __future__ import annotations

import datetime as dt

from desktop_app.core import accounts
from desktop_app.core.accounts import AccessDenied
from desktop_app.core.clinicians import Clinician
from desktop_app.storage import audit
from desktop_app.storage.clinicians import ClinicianStore
from desktop_app.storage.store import storage_call


def _local_time(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


class PinCheckStore(ClinicianStore):
    """PIN checks and lock-outs of one database."""

    @storage_call
    def locked_out_until(self, clinician_id: int) -> dt.datetime | None:
        """When the clinician's lock-out ends (UTC), or None when they are not locked out."""
        row = self.db.execute(
            "SELECT locked_until FROM pin_failures WHERE clinician_id = ?", [clinician_id]
        ).fetchone()
        if row is None or row[0] is None:
            return None
        until = dt.datetime.fromisoformat(row[0])
        return until if until > audit.now() else None

    def _failures(self, clinician_id: int) -> int:
        row = self.db.execute(
            "SELECT failures FROM pin_failures WHERE clinician_id = ?", [clinician_id]
        ).fetchone()
        return int(row[0]) if row else 0

    def _pin_proves(self, clinician_id: int, pin: str) -> bool:
        row = self.db.execute(
            "SELECT pin_hash FROM user_accounts WHERE clinician_id = ?", [clinician_id]
        ).fetchone()
        return row is not None and accounts.pin_matches(pin, row[0])

    def _pin_actor(self, clinician: Clinician) -> str:
        """Who a PIN refusal is audited under: the clinician whose PIN was tried, except on a
        server login tied to another clinician, which writes only as its own (db/postgresql/
        0010); the entry's entity still names the clinician tried."""
        if self.server is not None and self.logged_in not in (None, clinician.id):
            return self.actor
        return clinician.actor

    def _locked_message(self, clinician: Clinician, until: dt.datetime) -> str:
        wait = accounts.wait_wording((until - audit.now()).total_seconds())
        return (
            f"{clinician.name} is locked out after {self._failures(clinician.id)} wrong PINs in "
            f"a row: try again in {wait} (at {_local_time(until)}), or ask an admin to lift the "
            "lock-out."
        )

    def _check_pin(self, clinician: Clinician, pin: str, action: str, then: str) -> None:
        """Pass, or raise AccessDenied (`then` ends the message of a wrong PIN). A refusal is
        audited as '<action> refused' under the clinician whose PIN was tried."""
        until = self.locked_out_until(clinician.id)
        if until is not None:
            if not self.read_only:
                with self.db.atomic():
                    detail = f"locked out until {until.isoformat(timespec='seconds')}"
                    audit.append(
                        self.db,
                        self._pin_actor(clinician),
                        f"{action} refused",
                        "clinician",
                        clinician.id,
                        detail,
                    )
            raise AccessDenied(self._locked_message(clinician, until))
        if self._pin_proves(clinician.id, pin):
            if not self.read_only and self._failures(clinician.id):
                with self.db.atomic():
                    self._clear_failures(clinician.id)
            return
        wrong = f"That is not {clinician.name}'s PIN."
        if self.read_only:  # nothing can be counted in a read-only copy (docs/accounts.md)
            raise AccessDenied(f"{wrong} {then}".strip())
        with self.db.atomic():
            failures = self._failures(clinician.id) + 1
            wait = accounts.lockout_seconds(failures)
            now = audit.now()
            until = now + dt.timedelta(seconds=wait) if wait else None
            self.db.execute(
                "INSERT INTO pin_failures (clinician_id, failures, locked_until, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (clinician_id) DO UPDATE SET "
                "failures = excluded.failures, locked_until = excluded.locked_until, "
                "updated_at = excluded.updated_at",
                [clinician.id, failures, until.isoformat() if until else None, now.isoformat()],
            )
            audit.append(
                self.db,
                self._pin_actor(clinician),
                f"{action} refused",
                "clinician",
                clinician.id,
                f"wrong PIN, {failures} in a row",
            )
            if until is not None:
                audit.append(
                    self.db,
                    self._pin_actor(clinician),
                    "lock out",
                    "clinician",
                    clinician.id,
                    f"{failures} wrong PINs in a row: locked out for {accounts.wait_wording(wait)}",
                )
        if until is not None:
            raise AccessDenied(f"{wrong} {self._locked_message(clinician, until)}")
        left = accounts.MAX_TRIES - failures
        warning = (
            f" {left} more wrong PIN{'s' if left != 1 else ''} and {clinician.name} is locked "
            "out for a while."
            if left <= 2
            else ""
        )
        raise AccessDenied(f"{wrong} {then}".strip() + warning)

    def _clear_failures(self, clinician_id: int) -> bool:
        """Forget the wrong PINs in a row (inside the caller's transaction); True if any."""
        had = self._failures(clinician_id) > 0
        self.db.execute("DELETE FROM pin_failures WHERE clinician_id = ?", [clinician_id])
        return had
