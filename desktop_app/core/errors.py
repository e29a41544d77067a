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


class KnowledgeBaseProblems(KnowledgeBaseError):
    """Several knowledge-base problems found in one pass; file, entry and reason are the first's."""

    def __init__(self, problems: list[KnowledgeBaseError]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        super().__init__(first.file, first.entry, first.reason)
        if len(self.problems) > 1:
            lines = "\n".join(f"  {p.file}: {p.entry}: {p.reason}" for p in self.problems)
            self.args = (f"{len(self.problems)} problems in the knowledge base:\n{lines}",)

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidObservation(AppError):
    """An answer or finding refers to an unknown ID or carries a value its item does not accept."""


class StorageError(AppError):
    """The database cannot do what was asked (locked, corrupt, full, read-only, missing)."""


class VisitLocked(StorageError):
    """The visit is signed; changes must go through an amendment."""


class VisitConflict(StorageError):
    """The draft was changed elsewhere (another workstation) after this copy last read it."""


class PatientConflict(StorageError):
    """The patient's details were changed elsewhere (another workstation) after this copy read
    them; the message names who and when."""


class ExportError(AppError):
    """A PDF could not be written."""
