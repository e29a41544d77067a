"""The rules for signing a visit, shared by storage (which enforces them) and the GUI (which
reports them). No Qt, no storage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from desktop_app.core.errors import AppError
from desktop_app.core.safety import MUST_EXCLUDE_URGENCIES

if TYPE_CHECKING:  # annotations only: the window's start does not import the engine
    from desktop_app.core.diagnosis import Differential, RedFlagAlert
    from desktop_app.core.records import RedFlagAck

# A routine flag asks for a review, not for action before the patient leaves: it may be signed
# without an acknowledgement. Urgent and emergency flags may not: the same levels whose
# conditions form the must-exclude tier.
MUST_ACKNOWLEDGE = MUST_EXCLUDE_URGENCIES


def needs_acknowledgement(flag: RedFlagAlert) -> bool:
    """Emergency and urgent flags must be acknowledged; a routine review is information."""
    return flag.urgency in MUST_ACKNOWLEDGE


class SigningRefused(AppError):
    """The visit cannot be signed yet (an urgent or emergency red flag is not acknowledged)."""

    def __init__(self, flags: tuple[RedFlagAlert, ...]) -> None:
        self.flags = flags
        names = "\n• ".join(f.name for f in flags)
        super().__init__(
            "Before signing, record for each urgent or emergency red flag whether the patient "
            f"was referred:\n• {names}"
        )


def unacknowledged(
    differential: Differential, acks: Mapping[str, RedFlagAck]
) -> tuple[RedFlagAlert, ...]:
    """The raised urgent or emergency flags that have no acknowledgement, most urgent first."""
    return tuple(
        f for f in differential.red_flags if needs_acknowledgement(f) and f.flag_id not in acks
    )


def check_signable(differential: Differential, acks: Mapping[str, RedFlagAck]) -> None:
    """Raise SigningRefused unless every urgent or emergency flag is acknowledged."""
    missing = unacknowledged(differential, acks)
    if missing:
        raise SigningRefused(missing)


UNSCREENED_ACTION = "sign_unscreened"


def incomplete_screens(differential: Differential) -> tuple[str, ...]:
    """Red-flag domains whose screening questions were still unanswered at signing."""
    return tuple(s.name for s in differential.screening if s.status == "incomplete")
