"""A read-only copy of an open repository, on a connection of its own, for a worker thread.

A connection belongs to the thread that made it (sqlite3 refuses another; a psycopg connection
would interleave two threads' statements), so a worker that reads the records, the PDF export's
(issue 17: reading a 2000-visit history froze the window), opens its own. Its reads run in one
transaction: they see the committed state as of the first of them, whatever the window commits
meanwhile, so a document and its record stamp describe the same moment. It writes nothing: the
audit entry of an export stays with the window's repository.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, cast

from desktop_app.storage.database import connect, mapped
from desktop_app.storage.encryption import DB_ERRORS
from desktop_app.storage.repository import Repository
from desktop_app.storage.sqlite_file import SqliteFile

if TYPE_CHECKING:
    from sqlite_utils import Database

REASON = "A copy for reading on a worker thread."


@contextmanager
def reading_copy(repo: Repository) -> Iterator[Repository]:
    """A read-only Repository of `repo`'s database for the calling thread, its reads in one
    transaction; closed at the end of the block."""
    if repo.server is not None:
        from desktop_app.storage.postgres.connection import PgDatabase

        server = PgDatabase(repo.server.url, read_only=True)
        try:
            with server.atomic():  # one snapshot for every statement, not one per statement
                server.raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                db = cast("Database", server)
                yield Repository(db, repo.path, repo.kb, repo.actor, REASON, None, server)
        finally:
            server.close()
        return
    conn = connect(repo.path, read_only=True, create=False)  # an encrypted file: the same key
    try:
        conn.execute("BEGIN")  # deferred: the snapshot is taken by the first read
        db = cast("Database", SqliteFile(conn))  # as database.prepare opens the window's
        yield Repository(db, repo.path, repo.kb, repo.actor, REASON, None)
    except DB_ERRORS as exc:
        raise mapped(exc, repo.path) from None
    finally:
        conn.close()  # ends the read transaction
