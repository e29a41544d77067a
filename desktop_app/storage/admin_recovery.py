"""Recovering an admin when none can unlock: the sole admin marked as no longer working here,
or every admin's PIN forgotten (or locked out). No PIN can prove anything then, so the proof is
control of the installation (docs/accounts.md, "No admin can unlock"):

- a database file: the per-installation audit key (storage/keys.py; the file in the user data
  folder, or the copy kept apart from the backups) must be the key the database's newest audit
  entry was written with: its keyed hash is recomputed with it. An encrypted file also needs its
  passphrase, as every open does;
- a clinic server: the connection must be the database's owner role (the admin login), which
  clinicians' logins are not.

The named clinician is then active, an admin, has the new PIN and no lock-out, in one audited
transaction.
"""

from __future__ import annotations

import hmac

from desktop_app.core import accounts
from desktop_app.core.accounts import AccessDenied
from desktop_app.core.clinicians import Clinician
from desktop_app.core.errors import InvalidObservation
from desktop_app.storage import audit, keys
from desktop_app.storage.pin_checks import PinCheckStore
from desktop_app.storage.store import now_text, storage_call

ENTRY_COLUMNS = ("id", "at", "actor", "action", "entity", "entity_id", "detail")


class AdminRecoveryStore(PinCheckStore):
    """`recover_admin`, the one way in that needs no PIN."""

    def _key_wrote_head(self, key: bytes) -> bool:
        """True when `key` recomputes the keyed hash of the newest audit entry."""
        row = self.db.execute(
            f"SELECT {', '.join(ENTRY_COLUMNS)}, prev_hash, hash FROM audit_log "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return False
        entry = dict(zip(ENTRY_COLUMNS, row[:7], strict=True))
        entry["id"] = int(entry["id"])
        return hmac.compare_digest(audit.entry_hash(str(row[7]), entry, key), str(row[8]))

    @storage_call
    def is_server_owner(self) -> bool:
        """True on a clinic server connected as its database's owner (the admin login, which
        could change every table anyway); False on a file."""
        if self.server is None:
            return False
        row = self.db.execute(
            "SELECT pg_get_userbyid(datdba) = session_user FROM pg_database "
            "WHERE datname = current_database()"
        ).fetchone()
        return bool(row and row[0])

    def _proof(self, key: bytes | None) -> str:
        """How control of the installation was shown (for the audit entry), or AccessDenied."""
        if self.server is not None:
            if not self.is_server_owner():
                raise AccessDenied(
                    "On a clinic server, recover an admin with the database owner's login (the "
                    "admin role of docs/clinic-server.md), not a clinician's. Nothing was changed."
                )
            return "the server database's owner role"
        if key is None:
            raise AccessDenied(
                f"This installation has no audit key ({keys.key_path()}): give the copy kept "
                "apart from the backups with --key-file. Nothing was changed."
            )
        if not self._key_wrote_head(key):
            raise AccessDenied(
                f"That audit key (ID {keys.key_id(key)}) did not write this database's newest "
                "audit entry, so it does not prove this is its installation. Give the key of the "
                "computer that last wrote to it with --key-file. Nothing was changed."
            )
        return f"audit key {keys.key_id(key)}"

    @storage_call
    def recover_admin(self, clinician_id: int, pin: str, *, key: bytes | None) -> Clinician:
        """Make clinician_id an active admin with the new PIN, proved by control of the
        installation (`key`: the audit key given; ignored on a server)."""
        digest = accounts.hash_pin(pin)
        clinician = self.clinician(clinician_id)
        self._writable()
        if self.db.execute("SELECT 1 FROM user_accounts LIMIT 1").fetchone() is None:
            raise InvalidObservation(
                "No clinician has a PIN yet, so there is nothing to recover: give the first PIN "
                "in File › Clinician PIN… (it makes its clinician the admin)."
            )
        proof = self._proof(key)
        stamp = now_text()
        with self.db.atomic():
            self.db.execute(
                "UPDATE clinicians SET active = 1, updated_at = ? WHERE id = ?",
                [stamp, clinician.id],
            )
            self.db.execute(
                "INSERT INTO user_accounts (clinician_id, pin_hash, is_admin, created_at, "
                "updated_at) VALUES (?, ?, 1, ?, ?) ON CONFLICT (clinician_id) DO UPDATE SET "
                "pin_hash = excluded.pin_hash, is_admin = 1, updated_at = excluded.updated_at",
                [clinician.id, digest, stamp, stamp],
            )
            self._clear_failures(clinician.id)
            detail = f"active admin with a new PIN; proved by {proof}"
            audit.append(self.db, self.actor, "recover admin", "clinician", clinician.id, detail)
        return self.clinician(clinician.id)
