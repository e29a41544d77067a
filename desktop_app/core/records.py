"""Plain records shared by storage (which fills them), export and the GUI (which show them).

They live in the core so that export never needs to import storage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the engine is imported when a draft is first assessed
    from desktop_app.core.diagnosis import Differential
    from desktop_app.core.knowledge import KnowledgeBase
    from desktop_app.core.observations import Observations

VISIT_TYPES = ("initial", "follow_up", "re_assessment", "discharge")
SEXES = ("female", "male", "other", "unknown")


@dataclass(frozen=True)
class Settings:
    clinic_name: str = ""
    clinic_address: str = ""  # the clinicians are kept apart (core.clinicians)
    logo_path: str = ""
    page_size: str = "A4"  # "A4" or "Letter"
    backups_to_keep: int = 10


@dataclass(frozen=True)
class Patient:
    id: int
    name: str
    date_of_birth: dt.date
    sex: str
    clinic_id: str = ""
    contact: str = ""
    notes: str = ""
    # The stored version these details were read at (migration 0009): an edit saved from them is
    # refused if another workstation changed the patient since. 0: not read from a database.
    version: int = 0

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.date_of_birth.year
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return years - before_birthday


@dataclass(frozen=True)
class Episode:
    id: int
    patient_id: int
    title: str
    started_on: dt.date


@dataclass(frozen=True)
class VisitSummary:
    """One row of a patient's visit history."""

    id: int
    visit_date: dt.date
    visit_type: str
    status: str  # "draft" or "signed"
    leading_condition: str  # name of the leading condition (Differential.leading), "" if none


@dataclass(frozen=True)
class RedFlagAck:
    flag_id: str
    referred: bool
    reason: str  # required when not referred
    acknowledged_by: str
    acknowledged_at: dt.datetime


@dataclass(frozen=True)
class MeasureResult:
    measure_id: str
    responses: dict[str, float]
    score: float | None


@dataclass(frozen=True)
class Amendment:
    id: int
    visit_id: int
    text: str
    reason: str
    author: str
    created_at: dt.datetime


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    action: str  # create, update, sign, amend, export, backup, restore, acknowledge ...
    entity: str  # "patient", "visit", "database" ...
    entity_id: str
    detail: str  # never note text or patient identifiers
    hash: str


@dataclass(frozen=True)
class Visit:
    id: int
    patient_id: int
    episode_id: int | None
    visit_date: dt.date
    visit_type: str
    status: str  # "draft" or "signed"
    kb_version: str
    observations: Observations
    plan: str = ""
    measures: dict[str, MeasureResult] = field(default_factory=dict)
    # measure id -> item key -> name, for patient-specific measures (the PSFS activities)
    measure_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    red_flag_acks: dict[str, RedFlagAck] = field(default_factory=dict)
    signed_at: dt.datetime | None = None
    signed_by: str = ""
    fingerprint: str = ""  # SHA-256 of the canonical content, set at signing
    signed_differential: Differential | None = None  # the ranking as shown at signing

    @property
    def is_signed(self) -> bool:
        return self.status == "signed"


def differential_of(kb: KnowledgeBase, visit: Visit) -> Differential:
    """The ranking a visit shows: as signed (frozen), or as the knowledge base assesses a draft."""
    if visit.signed_differential is not None:
        return visit.signed_differential
    from desktop_app.core.diagnosis import assess  # not on the window's start path

    return assess(kb, visit.observations)
