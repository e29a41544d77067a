"""Optimistic versions of draft visits (migration 0008): a write claims the version it read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop_app.core.errors import VisitConflict, VisitLocked

if TYPE_CHECKING:
    from sqlite_utils import Database


class DraftVersions:
    """The versions of draft visits this copy read, and the claim a write makes (for Store)."""

    db: Database
    _versions: dict[int, int]  # draft visit ID -> the version this copy last read
    _pending: dict[int, int]  # the same, read inside a transaction not yet ended

    def _saw_version(self, visit_id: int, version: int) -> None:
        """Remember the version of a visit as last read (or written) by this copy.

        Inside a transaction it counts only once committed: a write refused part-way (a full
        disk) must not leave this copy a version ahead, or its next save is a false conflict.
        """
        if self.db.conn.in_transaction:
            self._pending[visit_id] = int(version)
        else:
            self._versions[visit_id] = int(version)

    def _settle_versions(self, *, committed: bool) -> None:
        """At the end of the outermost transaction: keep what it read, or forget it."""
        if not self._pending or self.db.conn.in_transaction:
            return
        if committed:
            self._versions.update(self._pending)
        self._pending.clear()

    def _claim_visit(self, visit_id: int) -> str:
        """Inside a write: raise the draft's version, refusing one changed since it was read.

        Two workstations editing one draft: the first save wins, the second is refused with
        VisitConflict (who changed it and when) instead of silently overwriting it. A visit this
        copy has not read yet (a command) is claimed at whatever version it has. Returns the
        visit's presentations (JSON) as stored, read by the same statement (an autosave's
        read-back, visits.py).
        """
        expected = self._pending.get(visit_id, self._versions.get(visit_id))
        sql = "UPDATE visits SET version = version + 1 WHERE id = ? AND status = 'draft'"
        params: list[Any] = [visit_id]
        if expected is not None:
            sql += " AND version = ?"
            params.append(expected)
        claimed = self.db.execute(f"{sql} RETURNING version, presentations", params).fetchall()
        if claimed:
            self._saw_version(visit_id, claimed[0][0])
            return str(claimed[0][1])
        row = self.db.execute("SELECT status FROM visits WHERE id = ?", [visit_id]).fetchone()
        if row is None:
            from desktop_app.storage.errors import RecordNotFound

            raise RecordNotFound(f"There is no visit with ID {visit_id}.")
        if row[0] != "draft":
            raise VisitLocked(
                f"Visit {visit_id} is signed and can no longer be changed. "
                "Add an amendment instead."
            )
        who = self._last_change("visit", visit_id)
        raise VisitConflict(
            f"Visit {visit_id} was changed on another workstation{who} after you opened it. "
            "Your change was not saved, so theirs is not lost: reopen the "
            "visit to see it, then make your change again."
        )

    def _last_change(self, entity: str, entity_id: int) -> str:
        """' by WHO at HH:MM UTC' of the record's latest audit entry (for a conflict message)."""
        last = self.db.execute(
            "SELECT actor, at FROM audit_log WHERE entity = ? AND entity_id = ? "
            "ORDER BY id DESC LIMIT 1",
            [entity, str(entity_id)],
        ).fetchone()
        return f" by {last[0]} at {last[1][11:16]} UTC" if last else ""
