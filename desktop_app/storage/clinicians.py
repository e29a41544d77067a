"""The clinicians of a database: added and edited (audited), never deleted, resolved by ID for
every act that must name its clinician (signing, amending, acknowledging a red flag)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from desktop_app.core.clinicians import Clinician, clean_clinician
from desktop_app.core.errors import InvalidObservation, StorageError
from desktop_app.core.records import Settings
from desktop_app.storage import audit
from desktop_app.storage.errors import RecordNotFound
from desktop_app.storage.patients import PatientStore
from desktop_app.storage.store import now_text, storage_call

COLUMNS = "id, name, profession, registration_number, active"


def _clinician(row: Sequence[Any]) -> Clinician:
    return Clinician(int(row[0]), row[1], row[2], row[3], bool(row[4]))


class ClinicianStore(PatientStore):
    """Clinicians, and the first-run set-up that names the clinic and its first clinician."""

    @storage_call
    def clinicians(self, *, include_inactive: bool = False) -> list[Clinician]:
        """The clinicians in name order (the active ones unless `include_inactive`)."""
        where = "" if include_inactive else " WHERE active = 1"
        rows = self.db.execute(
            f"SELECT {COLUMNS} FROM clinicians{where} ORDER BY lower(name), id"
        ).fetchall()
        return [_clinician(r) for r in rows]

    @storage_call
    def clinician(self, clinician_id: int) -> Clinician:
        row = self.db.execute(
            f"SELECT {COLUMNS} FROM clinicians WHERE id = ?", [clinician_id]
        ).fetchone()
        if row is None:
            raise RecordNotFound(f"There is no clinician with ID {clinician_id}.")
        return _clinician(row)

    def needs_set_up(self) -> bool:
        """True until the database names at least one clinician (the first-run set-up)."""
        return not self.read_only and not self.clinicians(include_inactive=True)

    @storage_call
    def add_clinician(
        self, name: str, profession: str = "", registration_number: str = ""
    ) -> Clinician:
        """Add a clinician (audited)."""
        fields = clean_clinician(name, profession, registration_number)
        self._writable()
        with self.db.atomic():
            return self._insert(*fields)

    def _insert(self, name: str, profession: str, registration_number: str) -> Clinician:
        stamp = now_text()
        cursor = self.db.execute(
            "INSERT INTO clinicians (name, profession, registration_number, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?)",
            [name, profession, registration_number, stamp, stamp],
        )
        clinician_id = int(cursor.lastrowid or 0)
        audit.append(self.db, self.actor, "create", "clinician", clinician_id)
        return Clinician(clinician_id, name, profession, registration_number)

    @storage_call
    def update_clinician(self, clinician: Clinician) -> Clinician:
        """Correct a clinician's details or mark them inactive (audited; signed records keep the
        name they were signed with)."""
        name, profession, number = clean_clinician(
            clinician.name, clinician.profession, clinician.registration_number
        )
        self.clinician(clinician.id)  # RecordNotFound for an unknown ID
        detail = "details" if clinician.active else "details; inactive"
        before = self.actor
        if clinician.id == self.logged_in:  # this login's own name: its audit actor follows,
            self.actor = replace(clinician, name=name).actor  # from this entry on (the server's)
        try:
            with self._change("update", "clinician", clinician.id, detail):
                self.db.execute(
                    "UPDATE clinicians SET name = ?, profession = ?, registration_number = ?, "
                    "active = ?, updated_at = ? WHERE id = ?",
                    [name, profession, number, int(clinician.active), now_text(), clinician.id],
                )
        except BaseException:
            self.actor = before
            raise
        return replace(clinician, name=name, profession=profession, registration_number=number)

    @storage_call
    def set_up(
        self, settings: Settings, name: str, profession: str, registration_number: str
    ) -> Clinician:
        """The first-run set-up in one transaction: the clinic's settings and its first
        clinician."""
        fields = clean_clinician(name, profession, registration_number)
        self._writable()
        with self.db.atomic():
            self.save_settings(settings)
            return self._insert(*fields)

    def acting_clinician(self, clinician_id: int) -> Clinician:
        """The active clinician who performs an act that must name its author."""
        try:
            clinician = self.clinician(clinician_id)
        except RecordNotFound:
            clinician = None
        if clinician is None or not clinician.active:
            raise InvalidObservation(
                "Choose who signs from the clinicians of this database (add them in Settings)."
            )
        return clinician

    def author(self, clinician_id: int) -> Clinician:
        """The active clinician who signs, amends or acknowledges, if this login may act as them.

        The server refuses the audit entry otherwise (db/postgresql/0010); this says why first.
        """
        clinician = self.acting_clinician(clinician_id)
        if self.server is not None:
            self._may_act_as(clinician)
        return clinician

    def _may_act_as(self, clinician: Clinician) -> None:
        """On a server: a login tied to a clinician acts only as them; another login only as a
        clinician tied to no login (the server checks the same, db/postgresql/0010)."""
        if self.logged_in is not None and clinician.id != self.logged_in:
            me = self.clinician(self.logged_in)
            raise InvalidObservation(
                f"You are logged in to the clinic server as {me.name}: you can sign, amend and "
                f"acknowledge only as yourself, not as {clinician.name}."
            )
        if self.logged_in is None and clinician.id in self.clinician_roles():
            raise InvalidObservation(
                f"{clinician.name} signs from their own login to the clinic server: this "
                "workstation's login cannot act in their name."
            )

    # -- clinicians tied to the server's login roles (migration 0010; the admin's) -----------

    def _server_only(self) -> None:
        if self.server is None:
            raise StorageError(
                "Clinicians are tied to login roles only on a clinic server; a database file "
                "has no logins."
            )

    @storage_call
    def clinician_roles(self) -> dict[int, str]:
        """Clinician ID -> the server login role tied to them ({} on a file)."""
        if self.server is None:
            return {}
        rows = self.db.execute("SELECT clinician_id, role FROM clinician_roles").fetchall()
        return {int(r[0]): str(r[1]) for r in rows}

    @storage_call
    def tie_clinician_role(self, clinician_id: int, role: str | None) -> None:
        """Tie a clinician to a server login role (None: untie), audited; the admin's act."""
        self._server_only()
        clinician = self.clinician(clinician_id)
        self._writable()
        role = role.strip() if role else None
        if role is not None:
            found = self.db.execute(
                "SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", [role]
            ).fetchone()
            if found is None or not found[0]:
                raise InvalidObservation(
                    f"The clinic server has no login role {role!r}: create it first "
                    "(docs/clinic-server.md, step 2)."
                )
        detail = f"login role {role}" if role else "login role removed"
        holder = self.db.execute(
            "SELECT clinician_id FROM clinician_roles WHERE role = ? AND clinician_id <> ?",
            [role, clinician.id],
        ).fetchone()
        if holder is not None:  # one login, one clinician: it moves, and the entry says from whom
            detail += f" (moved from clinician {holder[0]})"
        with self._change("tie_role", "clinician", clinician.id, detail):
            self.db.execute("DELETE FROM clinician_roles WHERE clinician_id = ?", [clinician.id])
            if role is not None:
                self.db.execute("DELETE FROM clinician_roles WHERE role = ?", [role])
                self.db.execute(
                    "INSERT INTO clinician_roles (clinician_id, role) VALUES (?, ?)",
                    [clinician.id, role],
                )
