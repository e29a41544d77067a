"""The storage layer's SQL, written for SQLite, as PostgreSQL runs it; PostgreSQL errors as the
sqlite3 exception classes the storage layer already handles.

The repository's statements are plain SQL that both engines accept but for a few spellings:
``?`` and ``:name`` parameters (psycopg wants ``%s`` and ``%(name)s``), ``INSERT OR IGNORE`` and
the row ID of an insert. Translating those here, once per statement text, keeps one copy of every
query: a change made for SQLite runs on the server unchanged.
"""

from __future__ import annotations

import functools
import re
import sqlite3

import psycopg
from psycopg import errors as pg

from desktop_app.core.errors import StorageError
from desktop_app.storage.errors import DatabaseLocked, DatabaseReadOnly, DiskFull

_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_NAME = re.compile(r"[A-Za-z_]\w*")


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """SQLite's parameter marks as psycopg's, ``INSERT OR IGNORE`` as ``ON CONFLICT DO NOTHING``.

    Quoted strings and identifiers are copied as they are (but for doubling ``%``, which psycopg
    reads everywhere); ``::`` casts are left alone.
    """
    ignore = bool(_IGNORE.match(sql))
    if ignore:
        sql = _IGNORE.sub("INSERT INTO", sql, count=1)
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            end = sql.find(ch, i + 1)
            while end != -1 and end + 1 < n and sql[end + 1] == ch:  # '' inside a string
                end = sql.find(ch, end + 2)
            end = n - 1 if end == -1 else end
            out.append(sql[i : end + 1].replace("%", "%%"))
            i = end + 1
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        elif ch == ":" and i + 1 < n and sql[i + 1] == ":":
            out.append("::")
            i += 2
        elif ch == ":" and (match := _NAME.match(sql, i + 1)):
            out.append(f"%({match.group()})s")
            i = match.end()
        else:
            out.append(ch)
            i += 1
    text = "".join(out)
    if ignore:
        text = text.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return text


def inserted_table(sql: str) -> str | None:
    """The table an INSERT without RETURNING writes to (to return its row ID), else None."""
    match = _INSERT_INTO.match(sql)
    if match is None or _RETURNING.search(sql):
        return None
    return match.group(1).lower()


class PgIntegrityError(sqlite3.IntegrityError):
    """A constraint or guard trigger refused the change (message as SQLite words it)."""


class PgOperationalError(sqlite3.OperationalError):
    """The server could not do what was asked; `storage_error` says why, for the user."""

    def __init__(self, message: str, storage_error: StorageError | None) -> None:
        super().__init__(message)
        self.storage_error = storage_error


def translated(exc: psycopg.Error, label: str) -> Exception:
    """The sqlite3-class exception for a PostgreSQL error, or the error itself (a bug)."""
    if isinstance(exc, pg.RaiseException):  # a guard trigger: its reason, like RAISE(ABORT)
        return PgIntegrityError(exc.diag.message_primary or str(exc))
    integrity = {
        pg.ForeignKeyViolation: "FOREIGN KEY constraint failed",
        pg.UniqueViolation: "UNIQUE constraint failed",
        pg.CheckViolation: "CHECK constraint failed",
        pg.NotNullViolation: "NOT NULL constraint failed",
    }
    for kind, text in integrity.items():
        if isinstance(exc, kind):
            return PgIntegrityError(f"{text}: {exc.diag.constraint_name or exc.diag.column_name}")
    error = _user_error(exc, label)
    return exc if error is None else PgOperationalError(str(exc), error)


def _user_error(exc: psycopg.Error, label: str) -> StorageError | None:
    if isinstance(exc, pg.InsufficientPrivilege):
        return DatabaseReadOnly(
            f"Your database role may not make this change on the clinic server {label}. Nothing "
            "was saved: ask the clinic's administrator to add you to the clinicians' role."
        )
    if isinstance(exc, pg.ReadOnlySqlTransaction):
        return DatabaseReadOnly(
            f"The clinic server {label} was opened read-only: changes cannot be saved."
        )
    if isinstance(exc, (pg.LockNotAvailable, pg.QueryCanceled, pg.DeadlockDetected)):
        return DatabaseLocked(
            f"The clinic server {label} is busy. Your change was not saved: try again."
        )
    if isinstance(exc, (pg.DiskFull, pg.OutOfMemory)):
        return DiskFull(
            f"The clinic server {label} is out of disk space. Your change was not saved: tell the "
            "clinic's administrator."
        )
    if isinstance(exc, psycopg.OperationalError) and (refused := _login_refused(exc, label)):
        return StorageError(refused)
    if isinstance(exc, psycopg.OperationalError):
        return StorageError(
            f"The clinic server {label} cannot be reached ({_first_line(exc)}). Your last change "
            "may not be saved: check the network, then try again."
        )
    return None


# What libpq says when the server answered but refused this login (any of the phrases, each a
# set of words that must all appear), and what to do about it.
_LOGIN_REFUSED: tuple[tuple[tuple[tuple[str, ...], ...], str], ...] = (
    (
        (("password authentication failed",), ("no password supplied",), ("password", "required")),
        "refused the password for this login. Keep the password in this user's pgpass file "
        "(~/.pgpass, mode 0600; see docs/clinic-server.md), never in the URL",
    ),
    ((("role", "does not exist"),), "has no such login role. Check the name before the @"),
    ((("database", "does not exist"),), "has no such database. Check the name after the last /"),
    (
        (("no pg_hba.conf entry",),),
        "does not accept this workstation (pg_hba.conf). Ask the clinic's administrator",
    ),
    (
        (("certificate",), ("ssl", "error")),
        "could not be checked over TLS. Check the server's certificate and sslmode",
    ),
)


def connect_error(exc: psycopg.Error, label: str) -> StorageError:
    """Why a connection could not be made (nothing was being saved yet)."""
    refused = _login_refused(exc, label)
    if refused is not None:
        return StorageError(refused)
    if not isinstance(exc, psycopg.OperationalError):  # e.g. an option libpq does not know
        return StorageError(
            f"The connection URL of the clinic server {label} is not valid ({_first_line(exc)}). "
            "Check it in Settings or --db."
        )
    return StorageError(
        f"The clinic server {label} cannot be reached ({_first_line(exc)}). Check the network "
        "and the server's name and port in the connection setting, then try again."
    )


def _login_refused(exc: psycopg.Error, label: str) -> str | None:
    text = str(exc).lower()
    for phrases, advice in _LOGIN_REFUSED:
        if any(all(word in text for word in phrase) for phrase in phrases):
            return f"The clinic server {label} {advice}. Nothing was changed."
    return None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
