"""The repository: every read and write of patients, visits and the audit log, in plain Python.

Every write is validated against the knowledge base, runs in one short transaction together with
its audit entry, and is refused with VisitLocked once the visit is signed. The methods are grouped
by subject in store.py (opening), patients.py and visits.py; this module adds signing,
amendments, the audit trail and backups.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.core import signing
from desktop_app.core.errors import InvalidObservation, StorageError
from desktop_app.core.records import Amendment, AuditEntry, Visit
from desktop_app.core.validation import clean_text
from desktop_app.storage import anchor, audit, pdf_record
from desktop_app.storage.accounts import AccountStore
from desktop_app.storage.backup import copy_database
from desktop_app.storage.body_chart import BodyChartStore
from desktop_app.storage.database import mapped
from desktop_app.storage.encryption import DB_ERRORS, DB_OR_STORAGE_ERRORS
from desktop_app.storage.errors import RecordNotFound
from desktop_app.storage.follow_up import FollowUpStore
from desktop_app.storage.outputs import check_output
from desktop_app.storage.store import now_text, storage_call

if TYPE_CHECKING:
    from desktop_app.storage.chain import Progress
    from desktop_app.storage.verification import Report

log = logging.getLogger(__name__)


class Repository(FollowUpStore, BodyChartStore, AccountStore):
    """Patients, episodes, visits, amendments and the audit log of one database file."""

    # -- signing and amendments --------------------------------------------------------------

    @storage_call
    def sign_visit(self, visit_id: int, *, by: int) -> Visit:
        """Sign the stored visit as clinician `by`: its differential, leader and fingerprint.

        The differential is computed here, from what the database holds, inside the transaction
        that signs; an unacknowledged urgent or emergency red flag refuses the signature
        (core.signing), whoever calls.
        """
        self._writable()
        signer = self.author(by)
        with self.db.atomic():
            self._require_draft(visit_id)
            self._claim_visit(visit_id)  # sign what this workstation saw, or say it changed
            stored = self.get_visit(visit_id)
            from desktop_app.core.diagnosis import assess  # the engine: off the start path
            from desktop_app.storage import signatures

            differential = assess(self.kb, stored.observations)
            signing.check_signable(differential, stored.red_flag_acks)
            leading = differential.leading
            visit, children = audit.visit_content(self.db, visit_id)
            key, text = signatures.snapshot(differential)
            self.db.execute(signatures.STORE_SNAPSHOT, [key, text])
            row = signatures.signed_visit(
                visit,
                children,
                signer=signer.signature,
                signed_at=now_text(),
                differential_key=key,
                leading=leading.name if leading else "",
            )
            self.db.execute(signatures.SIGN_VISIT, row)
            fingerprint = row["fingerprint"]
            audit.append(
                self.db,
                signer.actor,
                "sign",
                "visit",
                visit_id,
                audit.FINGERPRINT_PREFIX + fingerprint,
            )
            unscreened = signing.incomplete_screens(differential)
            if unscreened:  # the GUI asked the signer to confirm; every caller leaves a record
                audit.append(
                    self.db,
                    signer.actor,
                    signing.UNSCREENED_ACTION,
                    "visit",
                    visit_id,
                    "signed with red-flag screening not asked: " + "; ".join(unscreened),
                )
        return self.get_visit(visit_id)

    @storage_call
    def amend_visit(self, visit_id: int, text: str, reason: str, *, by: int) -> Amendment:
        """Add clinician `by`'s amendment (the way to correct a signed visit); audited with its
        hash."""
        text = clean_text(text, "amendment").strip()
        reason = clean_text(reason, "reason for the amendment").strip()
        if not text or not reason:
            raise InvalidObservation("An amendment needs both its text and a reason.")
        self._writable()
        author = self.author(by)
        with self.db.atomic():
            if self.db.execute("SELECT 1 FROM visits WHERE id = ?", [visit_id]).fetchone() is None:
                raise RecordNotFound(f"There is no visit with ID {visit_id}.")
            row = {
                "visit_id": visit_id,
                "text": text,
                "reason": reason,
                "author": author.signature,
                "created_at": now_text(),
            }
            cursor = self.db.execute(
                "INSERT INTO amendments (visit_id, text, reason, author, created_at) "
                "VALUES (:visit_id, :text, :reason, :author, :created_at)",
                row,
            )
            row["id"] = int(cursor.lastrowid or 0)
            detail = f"{audit.AMENDMENT_PREFIX}{row['id']} {audit.amendment_hash(row)}"
            audit.append(self.db, author.actor, "amend", "visit", visit_id, detail)
        return self._amendment(row)

    @staticmethod
    def _amendment(row: dict[str, Any]) -> Amendment:
        return Amendment(
            row["id"],
            row["visit_id"],
            row["text"],
            row["reason"],
            row["author"],
            dt.datetime.fromisoformat(row["created_at"]),
        )

    @storage_call
    def amendments(self, visit_id: int) -> list[Amendment]:
        """A visit's amendments, oldest first."""
        rows = self.db.query("SELECT * FROM amendments WHERE visit_id = ? ORDER BY id", [visit_id])
        return [self._amendment(r) for r in rows]

    # -- audit -------------------------------------------------------------------------------

    @storage_call
    def record_export(
        self, visit_id: int, kind: str, filename: str, sha256: str = "", details: str = ""
    ) -> str:
        """Audit a written export: kind, file type, the document's own details (a referral's
        addressee, reason and question) and the file's SHA-256 (never its name, which can
        identify the patient). "" when audited, else why it could not be (also logged)."""
        if self.read_only:
            log.info("export of visit %s not audited: database is read-only", visit_id)
            return self.read_only_reason
        suffix = Path(filename).suffix.lstrip(".").lower() or "file"
        detail = f"{kind} ({suffix})" + (f"; {details}" if details else "")
        detail += f" sha256 {sha256}" if sha256 else ""  # last: verify --pdf looks it up
        try:
            with self._change("export", "visit", visit_id, detail):
                pass
        except DB_OR_STORAGE_ERRORS as exc:  # written: say so, and why not audited
            error = mapped(exc, self.path) if isinstance(exc, DB_ERRORS) else exc
            log.warning("export of visit %s written but not audited: %s", visit_id, error)
            if isinstance(error, StorageError):
                return str(error)
            return f"the audit log could not be written ({type(exc).__name__})."
        return ""

    @storage_call
    def record_stamp(self, visit_id: int) -> str:
        """The stamp an exported PDF carries: visit, fingerprint, content and audit head."""
        return pdf_record.stamp(self.db, visit_id)

    @storage_call
    def check_export(self, record: str | None, sha256: str) -> tuple[list[str], list[str]]:
        """(problems, findings) for an exported file with this stamp and SHA-256."""
        return pdf_record.check(self.db, record, sha256)

    @storage_call
    def audit_trail(
        self, entity: str | None = None, entity_id: str | None = None
    ) -> list[AuditEntry]:
        """Audit entries, oldest first, optionally for one entity (and one of its IDs)."""
        where, values = [], []
        if entity is not None:
            where.append("entity = ?")
            values.append(entity)
        if entity_id is not None:
            where.append("entity_id = ?")
            values.append(str(entity_id))
        sql = "SELECT id, at, actor, action, entity, entity_id, detail, hash FROM audit_log"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self.db.execute(sql + " ORDER BY id", values).fetchall()
        return [
            AuditEntry(r[0], dt.datetime.fromisoformat(r[1]), r[2], r[3], r[4], r[5], r[6], r[7])
            for r in rows
        ]

    @storage_call
    def verify(self) -> list[str]:
        """Problems in the audit chain, signed visits, amendments or the file; [] when intact."""
        return self.verify_report().problems

    @storage_call
    def verify_report(
        self, *, incremental: bool = False, progress: Progress | None = None
    ) -> Report:
        """verify, with notes and counts; a clean full run moves the anchor's verified mark."""
        from desktop_app.storage import verification  # not on the window's start path

        beside = None  # a file's integrity check runs beside the rest, on its own connection
        if not incremental and self.server is None:
            beside = verification.integrity_beside(self.path)
        try:
            report = verification.verify(
                self.db, self.path, incremental=incremental, progress=progress
            )
        except BaseException:
            if beside is not None:  # never a thread left inside SQLite (a fork would copy it)
                with contextlib.suppress(BaseException):
                    beside()
            raise
        if incremental:
            report.notes.append("The engine's own check was skipped (a full verify runs it).")
        else:
            report.problems[:0] = beside() if beside is not None else self._engine_problems()
        if not incremental and not report.problems and self._lock is not None:
            head = anchor.Head(*audit.head(self.db))
            try:
                anchor.advance(self.path, head, verified=head)
            except (OSError, StorageError) as exc:
                log.warning("verified mark not recorded: %s", exc)
        return report

    # -- backup ------------------------------------------------------------------------------

    @storage_call
    def backup_to(self, dest: Path, *, replace: bool = False) -> Path:
        """A consistent, checked copy with SQLite's online backup API (written aside, renamed).

        Refuses a device, a folder, the database or one of its backups, and an existing file
        unless `replace`. The audit entry is written only once the copy exists; if it cannot
        be (a full or read-only disk under the database) the backup still counts, and the log
        says why it was not audited.
        """
        dest = Path(dest)
        check_output(dest, self.path, force=replace)
        if self.server is not None:
            from desktop_app.storage.postgres.dump import dump

            dump(self.server, dest)
        else:
            copy_database(self.db.conn, dest, self.path)
        if not self.read_only:
            try:
                with self._change("backup", "database", "", f"to {dest.name}"):
                    pass
            except DB_OR_STORAGE_ERRORS as exc:  # e.g. the database's disk is full
                log.warning("backup written but not audited: %s", type(exc).__name__)
        return dest
