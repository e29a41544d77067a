"""The one root of errors a user can act on.

Environmental failures (a locked or corrupt database, an unwritable path, a malformed data file)
become an `AppError` subclass whose message is written for a physiotherapist. Anything else is a
bug and goes to the single crash handler.
"""


class AppError(Exception):
    """An error with a message the user can read and act on."""


class KnowledgeBaseError(AppError):
    """A knowledge-base file is malformed; names the file, the entry and the reason."""

    def __init__(self, file: str, entry: str, reason: str) -> None:
        self.file = file
        self.entry = entry
        self.reason = reason
        super().__init__(f"{file}: {entry}: {reason}")


class InvalidObservation(AppError):
    """An answer or finding refers to an unknown ID or carries a value its item does not accept."""


class StorageError(AppError):
    """The database cannot do what was asked (locked, corrupt, full, read-only, missing)."""


class VisitLocked(StorageError):
    """The visit is signed; changes must go through an amendment."""


class ExportError(AppError):
    """A PDF could not be written."""
