"""The open database behind the repository: the writer lock, transactions and error mapping."""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Self, TypeVar, cast

from desktop_app.core.errors import StorageError, VisitLocked
from desktop_app.storage import anchor, audit, check_record, impostor, keys, recorded_loss, restore
from desktop_app.storage.backup import remove_partials
from desktop_app.storage.database import WriterLock, connect, make_folder, mapped, prepare
from desktop_app.storage.draft_versions import DraftVersions
from desktop_app.storage.encryption import DB_ERRORS, INTEGRITY_ERRORS
from desktop_app.storage.errors import DatabaseReadOnly

if TYPE_CHECKING:
    from sqlite_utils import Database

    from desktop_app.core.knowledge import KnowledgeBase
    from desktop_app.storage.postgres.connection import PgDatabase

    # The knowledge base, or how to load it on first use (the window's start: issue 17).
    KnowledgeSource = KnowledgeBase | Callable[[], KnowledgeBase]

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="Store")


def storage_call(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Turn environmental SQLite failures into StorageError subclasses naming the file."""

    @functools.wraps(method)
    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = method(self, *args, **kwargs)
            self._settle_versions(committed=True)
            self._after_write()
            return result
        except BaseException as exc:
            self._settle_versions(committed=False)  # rolled back: so are the versions it read
            if isinstance(exc, INTEGRITY_ERRORS) and "visit_locked" in str(exc):
                raise VisitLocked(
                    "This visit is signed and can no longer be changed. Add an amendment instead."
                ) from None
            if isinstance(exc, INTEGRITY_ERRORS) and "actor_not_session" in str(exc):
                raise StorageError(  # the server's own check (db/postgresql/0010)
                    "The clinic server refused to record this in that clinician's name: a login "
                    "tied to a clinician acts only as them, and a clinician tied to a login acts "
                    "only from it. Nothing was saved (if the tie or the name changed since the "
                    "app started, restart it)."
                ) from None
            if not isinstance(exc, DB_ERRORS) or isinstance(exc, INTEGRITY_ERRORS):
                raise
            error = mapped(exc, self.path)
            if error is exc:
                raise
            raise error from None

    return wrapper


def dumps(value: Any) -> str:
    """Values are stored as canonical JSON, the same text the fingerprints hash."""
    return audit.canonical_json(value)


def now_text() -> str:
    return audit.now().isoformat()


def _log_power_cut(db: Database, path: Path) -> tuple[str, str]:
    """When a power cut took commits the disk had not confirmed: the plain message, with the
    loss recorded in the audit log so that it stays on record; or, when the disk has no room
    for that entry, the reason to open read-only (a write would replace the anchor's pending
    head, the only record of the loss, storage/recorded_loss.py). ("", "") when nothing was
    lost."""
    finding = anchor.check(db, path)
    if not finding.lost:
        return "", ""
    first, last = finding.lost_entries
    log.warning("audit entries %d-%d lost in a power cut: %s", first, last, finding.lost)
    try:
        with db.atomic():
            detail = recorded_loss.detail(first, last, finding.lost)
            audit.append(db, "system", recorded_loss.ACTION, recorded_loss.ENTITY, first, detail)
    except DB_ERRORS as exc:
        log.warning("the loss was not recorded in the audit log: %s", exc)
        return "", (
            f"The database {path} is opened read-only: {finding.lost}. The app could not record "
            f"this in the audit log ({exc}). Free space on the disk and reopen the database: "
            "the loss is recorded then, and you can work on."
        )
    return f"The database {path}: {finding.lost}.", ""


class Store(DraftVersions):
    """One open database file: its connection, writer lock, knowledge base and actor."""

    def __init__(
        self,
        db: Database,
        path: Path,
        kb: KnowledgeSource,
        actor: str,
        read_only_reason: str,
        lock: WriterLock | None,
        server: PgDatabase | None = None,
    ) -> None:
        self.db = db
        self.path = path
        self._kb: KnowledgeBase | None = None if callable(kb) else kb
        self._load_kb: Callable[[], KnowledgeBase] | None = kb if callable(kb) else None
        self.actor = actor
        self.read_only = bool(read_only_reason)
        self.read_only_reason = read_only_reason
        self._lock = lock
        self.server = server  # the clinic server's connection; None for an SQLite file
        # The clinician the server login is tied to (migration 0010): the only one it acts as.
        self.logged_in: int | None = None
        self._versions: dict[int, int] = {}
        self._pending: dict[int, int] = {}
        self._changes = db.conn.total_changes
        self._head = audit.head(db)
        # The connection's `PRAGMA synchronous` is FULL (database.prepare) but inside
        # autosave.unsynced_commits, which alone switches it (and says so here first).
        self.durable_commits = True
        # (total_changes, head) after an audited write's own commit (`_entry_committed`).
        self._committed: tuple[int, tuple[int, str]] | None = None
        # Looked up once, not at every autosave (each asks the data folder, ~5-9 µs).
        self._anchor_file: Path | None = None
        self._key: bytes | None = None
        # When this copy opened the file, and whether today's clean check covered it then.
        self._checked: tuple[float, bool] | None = None
        # The plain message for audited changes a power cut took before the disk held them.
        self.lost_on_disk = ""

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base; given as a loader, loaded on first use (the window shows its
        first screen, which needs none, before the knowledge base is read)."""
        if self._kb is None:
            assert self._load_kb is not None
            self._kb = self._load_kb()
        return self._kb

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        kb: KnowledgeSource,
        *,
        actor: str = "clinician",
        read_only: bool = False,
        create: bool = False,
    ) -> Self:
        """Open and migrate the database; read-only if another copy writes.

        A missing file is created only where no database has been before, unless `create` (an
        explicit "new database"): see storage/impostor.py.
        """
        path = Path(path)
        if not create:
            impostor.refuse(path)
        fresh = not path.exists() or impostor.is_empty(path)
        reason = ""
        lock: WriterLock | None = None
        if read_only:
            reason = "The database was opened read-only."
        elif path.exists() and not os.access(path, os.W_OK):
            reason = f"The database {path} is read-only: changes cannot be saved."
        elif path.exists() and not os.access(path.parent, os.W_OK):
            reason = f"The folder of {path} is read-only: changes cannot be saved."
        else:
            make_folder(path)
            lock = WriterLock(path)
            try:
                if not lock.acquire():
                    lock = None
                    reason = (
                        f"Another copy of the app is using {path}. This copy is read-only: close "
                        "the other copy to make changes."
                    )
            except DatabaseReadOnly as exc:
                if not path.exists():
                    raise
                lock, reason = None, str(exc)
        if lock is not None:
            try:
                if fresh:  # a new database here: the old one's anchor is kept aside, not used
                    anchor.set_aside(path, "superseded")
                restore.recover(path)  # finish a restore killed part-way, before reading it
                remove_partials(path)  # copies left by a backup killed part-way
            except BaseException:
                lock.release()
                raise
        opened_at, covered = time.time(), check_record.covers(path)  # before SQLite opens it
        try:
            conn = connect(path, read_only=bool(reason))
        except BaseException:  # a wrong passphrase, a broken installation: no lock left held
            if lock is not None:
                lock.release()
            raise
        try:
            db = prepare(conn, path, read_only=bool(reason), covered=covered)
            lost = ""
            if lock is not None:
                reason = anchor.check_open(db, path)  # a lost tail keeps its evidence
                if not reason:
                    audit.seal(db, actor)  # a chain from before the audit key is keyed now
                    lost, reason = _log_power_cut(db, path)
                if reason:
                    lock.release()
                    lock = None
        except BaseException:
            conn.close()
            if lock is not None:
                lock.release()
            raise
        try:
            store = cls(db, path, kb, actor, reason, lock)
            store._checked = (opened_at, covered)
            store.lost_on_disk = lost
            store._head = (-1, "")  # anchor the head as found (a first open, or just sealed)
            store._changes = -1
            store._after_write(durable=False)  # a killed copy's commits may not be on the disk
            store._sync_pending()
        except BaseException:  # never a connection or the writer lock left open
            conn.close()
            if lock is not None:
                lock.release()
            raise
        return store

    @classmethod
    def open_server(cls, url: str, kb: KnowledgeSource, *, read_only: bool = False) -> Self:
        """Connect to a clinic server (PostgreSQL) and bring its schema up to date if ours.

        The audit actor is the clinician the login role is tied to (`clinician-role`), else the
        server's name for the login: the server authenticated it, and checks every audit
        entry's actor, so a workstation cannot write in another's name.
        """
        from desktop_app.storage.postgres.connection import PgDatabase
        from desktop_app.storage.postgres.schema import prepare

        server = PgDatabase(url, read_only=read_only)
        try:
            prepare(server, read_only=read_only)
            row = server.raw.execute(
                "SELECT session_user, session_clinician(), clinician_actor(session_clinician())"
            ).fetchone()
            assert row is not None
            logged_in = None if row[1] is None else int(row[1])
            actor = str(row[2] if logged_in is not None else row[0])
        except DB_ERRORS as exc:
            server.close()
            raise mapped(exc, Path(server.label)) from None
        except BaseException:
            server.close()
            raise
        reason = "The clinic database was opened read-only." if read_only else ""
        # PgDatabase offers the part of sqlite-utils' Database that storage uses (its module).
        db = cast("Database", server)
        store = cls(db, Path(server.label), kb, actor, reason, None, server)
        store.logged_in = logged_in
        return store

    @property
    def check_covered(self) -> bool:
        """Today's clean integrity check held for the file as this copy found it (no check due)."""
        return self._checked is not None and self._checked[1]

    def close(self) -> None:
        """Close the connection and let another copy of the app write."""
        self._after_write()
        self._sync_pending()
        self.db.conn.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        if self._checked is not None:  # an SQLite file: the record follows a clean close
            check_record.closed(self.path, *self._checked)
            self._checked = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _engine_problems(self) -> list[str]:
        """The engine's own checks for `verify`: SQLite's integrity check, or the server's."""
        if self.server is None:
            return audit.integrity_problems(self.db.conn)
        from desktop_app.storage.postgres.schema import server_problems

        return server_problems(self.server)

    def _after_write(self, *, durable: bool | None = None) -> None:
        """Record the chain's head outside the database once an audited change is committed
        (anchored once the disk holds it, storage/anchor.py; `durable` None: as committed)."""
        conn = self.db.conn
        if self._lock is None or conn.in_transaction or conn.total_changes == self._changes:
            return
        self._changes = conn.total_changes
        known, self._committed = self._committed, None
        head = known[1] if known and known[0] == self._changes else audit.head(self.db)
        if head == self._head or head[0] == 0:
            return
        try:  # durable: the commit waited for the disk (synchronous = FULL)
            durable = self.durable_commits if durable is None else durable
            self._anchor_file = self._anchor_file or anchor.anchor_file(self.path)
            anchor.advance(
                self.path,
                anchor.Head(*head),
                durable=durable,
                path=self._anchor_file,
                key=self._key,  # the audit key's, once an entry was written (`_audit`)
            )
        except (OSError, StorageError) as exc:  # the change is saved; the anchor stays behind
            log.warning("audit anchor not updated: %s", exc)
            return
        self._head = head

    def _sync_pending(self) -> None:
        """Have the disk confirm commits it has not yet (opening after a crash, closing before
        the autosave's sync ran), so the anchor names them."""
        if self._lock is None or anchor.unconfirmed(self.path) is None:
            return
        from desktop_app.storage.autosave import sync_wal  # it imports this module

        try:  # only a pending head this database holds (a power cut may have taken it)
            sync_wal(f"{self.path}-wal", anchor.Head(*audit.head(self.db)))
        except OSError as exc:  # the commits stay pending: a power cut may still take them
            log.warning("the disk did not confirm the last commits: %s", exc)

    def _audit(
        self, action: str, entity: str, entity_id: object, detail: str, actor: str = ""
    ) -> tuple[int, str]:
        """audit.append for this database, with the installation's key looked up once."""
        self._key = self._key or keys.load(create=True)
        return audit.append(
            self.db, actor or self.actor, action, entity, entity_id, detail, key=self._key
        )

    def _entry_committed(self, head: tuple[int, str]) -> None:
        """After an audited write's transaction: if it was the outermost one, it committed and
        its entry is the head, so `_after_write` need not read it again (only while nothing on
        the connection changed since)."""
        if self._lock is not None and not self.db.conn.in_transaction:
            self._committed = (self.db.conn.total_changes, head)

    def _writable(self) -> None:
        if self.read_only:
            raise DatabaseReadOnly(self.read_only_reason)

    @contextmanager
    def _change(self, action: str, entity: str, entity_id: object, detail: str) -> Iterator[None]:
        """One transaction: the change in the block, then its audit entry."""
        self._writable()
        with self.db.atomic():
            yield
            head = self._audit(action, entity, entity_id, detail)
        self._entry_committed(head)

    def audit_event(self, action: str, entity: str, detail: str = "") -> None:
        """Audit an act on the database as a whole (an encrypted copy, a new passphrase)."""
        try:
            with self._change(action, entity, "", detail):
                pass
        except DB_ERRORS as exc:
            raise mapped(exc, self.path) from None

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group many writes in one transaction (bulk import, demo data)."""
        self._writable()
        with self.db.atomic():
            yield
