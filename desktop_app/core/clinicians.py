"""Who records, signs and amends: the clinicians of a database, and how each act names them.

Storage keeps the clinicians and enforces that a signature, an amendment or a red-flag
acknowledgement names one of them; the GUI only offers the choice. No Qt, no storage.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.errors import InvalidObservation
from desktop_app.core.validation import clean_text

# Offered in the set-up and Settings; any other profession may be typed.
PROFESSIONS = (
    "Physiotherapist",
    "Physical therapist",
    "Sports and exercise physiotherapist",
    "Osteopath",
    "Chiropractor",
    "Student physiotherapist",
)
MAX_FIELD = 200  # characters in a name, profession or registration number


@dataclass(frozen=True)
class Clinician:
    id: int
    name: str
    profession: str = ""
    registration_number: str = ""
    active: bool = True  # False once they no longer work here: kept, never offered to sign

    @property
    def signature(self) -> str:
        """How a signature reads: 'Alex Morgan, Physiotherapist, reg. no. PH000000'."""
        parts = [self.name, self.profession]
        if self.registration_number:
            parts.append(f"reg. no. {self.registration_number}")
        return ", ".join(p for p in parts if p)

    @property
    def actor(self) -> str:
        """The audit log's "who": the name with the clinician's ID, which never changes."""
        return f"{self.name} (clinician {self.id})"


def clean_clinician(name: str, profession: str, registration_number: str) -> tuple[str, str, str]:
    """The three fields trimmed and checked; a name is required."""
    cleaned = []
    for value, what in (
        (name, "clinician's name"),
        (profession, "profession"),
        (registration_number, "registration number"),
    ):
        text = " ".join(clean_text(value, what).split())
        if len(text) > MAX_FIELD:
            raise InvalidObservation(f"The {what} is longer than {MAX_FIELD} characters.")
        cleaned.append(text)
    if not cleaned[0]:
        raise InvalidObservation("Enter the clinician's name.")
    return cleaned[0], cleaned[1], cleaned[2]


def choose_default(clinicians: list[Clinician], last: int | None) -> Clinician | None:
    """The signer offered first: the one who last signed here if still active, else the first."""
    active = [c for c in clinicians if c.active]
    return next((c for c in active if c.id == last), active[0] if active else None)
