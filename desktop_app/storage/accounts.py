"""Clinician accounts in the database (migration 0011): each PIN only as its scrypt hash, the
admin role, the idle lock's minutes, lifting a lock-out (the PIN checks and lock-outs:
storage/pin_checks.py), and the audit entries for unlocking and for opening a patient's record
(who viewed whom).

Once any clinician has a PIN, accounts are in use: changing another clinician's PIN or role
needs an admin's PIN, and the first PIN set makes its clinician the first admin (someone must be
able to manage the others). The last admin cannot be demoted.
"""

from __future__ import annotations

import json

from desktop_app.core import accounts
from desktop_app.core.accounts import AccessDenied
from desktop_app.core.clinicians import Clinician
from desktop_app.core.errors import InvalidObservation
from desktop_app.storage import audit
from desktop_app.storage.admin_recovery import AdminRecoveryStore
from desktop_app.storage.store import now_text, storage_call

LOCK_SETTING = "lock_minutes"


class AccountStore(AdminRecoveryStore):
    """PINs, the admin role, unlocking and record-view audit of one database."""

    @storage_call
    def accounts_in_use(self) -> bool:
        """True once any clinician has a PIN: the window then asks for one."""
        return self.db.execute("SELECT 1 FROM user_accounts LIMIT 1").fetchone() is not None

    @storage_call
    def has_pin(self, clinician_id: int) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM user_accounts WHERE clinician_id = ?", [clinician_id]
        ).fetchone()
        return row is not None

    @storage_call
    def is_admin(self, clinician_id: int) -> bool:
        row = self.db.execute(
            "SELECT is_admin FROM user_accounts WHERE clinician_id = ?", [clinician_id]
        ).fetchone()
        return bool(row and row[0])

    def _holder(self, clinician_id: int) -> Clinician:
        """The active clinician whose PIN is asked for (acting_clinician's rule, its message
        about PINs rather than signing)."""
        try:
            return self.acting_clinician(clinician_id)
        except InvalidObservation:
            raise InvalidObservation(
                "Choose a clinician who works here: only they can use a PIN (Settings lists them)."
            ) from None

    @storage_call
    def unlock(self, clinician_id: int, pin: str) -> Clinician:
        """The active clinician whose PIN this is (audited: 'unlock' or 'unlock refused').

        A read-only copy (another window writes the file, or damage was found) unlocks too, or
        its window stays locked for good; it can record nothing, so wrong PINs there are refused
        but not counted (docs/accounts.md) and a lock-out already recorded still holds.
        """
        clinician = self._holder(clinician_id)
        self._check_pin(clinician, pin, "unlock", "Try again.")
        if not self.read_only:
            with self.db.atomic():
                audit.append(self.db, clinician.actor, "unlock", "clinician", clinician_id)
        return clinician

    @storage_call
    def check_pin(self, clinician_id: int, pin: str, action: str = "unlock") -> Clinician:
        """The active clinician whose PIN this is, without an entry for success (a command checks
        who runs it; the act it then does is audited under their name)."""
        clinician = self._holder(clinician_id)
        self._check_pin(clinician, pin, action, "Nothing was done.")
        return clinician

    @storage_call
    def act_as(self, clinician_id: int) -> Clinician:
        """From now on, audit this copy's acts under clinician_id (a command run with their
        PIN); on a clinic server only a clinician this login may act as (ClinicianStore.author)."""
        clinician = self.author(clinician_id)
        self.actor = clinician.actor
        return clinician

    @storage_call
    def check_admin(self, clinician_id: int, pin: str) -> Clinician:
        """The admin whose PIN this is; AccessDenied for a wrong PIN or a clinician who is not."""
        clinician = self._holder(clinician_id)
        self._check_pin(clinician, pin, "admin PIN", "")
        if not self.is_admin(clinician_id):
            raise AccessDenied(
                f"{clinician.name} is not an admin: ask an admin to open Settings or to change "
                "clinicians and PINs."
            )
        return clinician

    def _authorise(self, target: int, by: int, by_pin: str | None) -> Clinician:
        """Who may change `target`'s PIN or role: anyone while no PIN exists (the first account),
        `target` with their own current PIN, or an admin with theirs."""
        actor = self._holder(by)
        if not self.accounts_in_use():
            return actor
        if by_pin is None:
            raise AccessDenied(f"That needs {actor.name}'s PIN. Nothing was changed.")
        self._check_pin(actor, by_pin, "PIN change", "Nothing was changed.")
        if by != target and not self.is_admin(by):
            raise AccessDenied(
                "Only an admin can change another clinician's PIN. Nothing was changed."
            )
        return actor

    @storage_call
    def set_pin(self, clinician_id: int, pin: str, *, by: int, by_pin: str | None = None) -> None:
        """Give clinician_id a new PIN (stored as its scrypt hash; audited, never the PIN).

        `by` proves who asks with `by_pin` (not needed for the very first PIN, whose clinician
        becomes the first admin).
        """
        digest = accounts.hash_pin(pin)
        target = self._holder(clinician_id)
        self._writable()
        actor = self._authorise(clinician_id, by, by_pin)  # a wrong PIN's count is kept
        with self.db.atomic():
            first = not self.accounts_in_use()
            stamp = now_text()
            self.db.execute(
                "INSERT INTO user_accounts (clinician_id, pin_hash, is_admin, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (clinician_id) DO UPDATE SET "
                "pin_hash = excluded.pin_hash, updated_at = excluded.updated_at",
                [target.id, digest, int(first), stamp, stamp],
            )
            lifted = by != target.id and self._clear_failures(target.id)  # an admin's new PIN
            detail = (
                "PIN set"
                + ("; first admin" if first else "")
                + ("; lock-out lifted" if lifted else "")
            )
            audit.append(self.db, actor.actor, "set pin", "clinician", target.id, detail)

    @storage_call
    def set_admin(self, clinician_id: int, admin: bool, *, by: int, by_pin: str) -> None:
        """Make a clinician with a PIN an admin, or not (an admin's PIN; never the last admin)."""
        target = self._holder(clinician_id)
        self._writable()
        actor = self.check_admin(by, by_pin)
        with self.db.atomic():
            if not self.has_pin(clinician_id):
                raise AccessDenied(f"{target.name} needs a PIN before they can be an admin.")
            if not admin and not self._other_active_admins(clinician_id):
                raise AccessDenied(
                    f"{target.name} is the last admin: make someone else an admin first."
                )
            self.db.execute(
                "UPDATE user_accounts SET is_admin = ?, updated_at = ? WHERE clinician_id = ?",
                [int(admin), now_text(), clinician_id],
            )
            role = "admin" if admin else "not admin"
            audit.append(self.db, actor.actor, "set role", "clinician", target.id, role)

    def _other_active_admins(self, clinician_id: int) -> int:
        """Admins other than clinician_id who work here: an inactive one cannot unlock."""
        return int(
            self.db.execute(
                "SELECT count(*) FROM user_accounts a JOIN clinicians c ON c.id = a.clinician_id "
                "WHERE a.is_admin = 1 AND c.active = 1 AND a.clinician_id <> ?",
                [clinician_id],
            ).fetchone()[0]
        )

    @storage_call
    def update_clinician(self, clinician: Clinician) -> Clinician:
        """As ClinicianStore's, but the last admin who works here stays active: with accounts
        in use and no active admin, nobody could open Settings (and, with no other PIN, the
        lock)."""
        if (
            not clinician.active
            and self.is_admin(clinician.id)
            and not self._other_active_admins(clinician.id)
        ):
            raise AccessDenied(
                f"{clinician.name} is the last admin: make someone else an admin before marking "
                "them as no longer working here."
            )
        return super().update_clinician(clinician)

    @storage_call
    def lift_lockout(self, clinician_id: int, *, by: int, by_pin: str) -> bool:
        """An admin ends a clinician's lock-out and forgets their wrong PINs (audited); False
        when there was nothing to lift."""
        target = self.clinician(clinician_id)
        self._writable()
        admin = self.check_admin(by, by_pin)
        with self.db.atomic():
            if not self._clear_failures(target.id):
                return False
            audit.append(self.db, admin.actor, "lift lock-out", "clinician", target.id)
        return True

    @storage_call
    def lock_minutes(self) -> int:
        """Idle minutes before the window locks (a setting; DEFAULT_LOCK_MINUTES until saved)."""
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [LOCK_SETTING]).fetchone()
        return int(json.loads(row[0])) if row else accounts.DEFAULT_LOCK_MINUTES

    @storage_call
    def save_lock_minutes(self, minutes: int, *, by: int, by_pin: str) -> None:
        """Change the idle lock (an admin's act, audited)."""
        minutes = accounts.clean_lock_minutes(minutes)
        admin = self.check_admin(by, by_pin)
        self._writable()
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [LOCK_SETTING, json.dumps(minutes)],
            )
            audit.append(self.db, admin.actor, "update", "settings", "", f"lock {minutes} min")

    @storage_call
    def record_view(self, patient_id: int, *, by: int | None = None) -> None:
        """Audit that a patient's record was opened (once per opening, not per read): by
        clinician `by` when the window knows who is at it, else this copy's actor."""
        self.get_patient(patient_id)  # RecordNotFound for an unknown ID
        if self.read_only:
            return  # a read-only copy cannot write its log; the writing copy keeps its own
        actor = self.clinician(by).actor if by is not None else self.actor
        with self.db.atomic():
            audit.append(self.db, actor, "view", "patient", patient_id)
