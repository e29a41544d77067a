"""Everything one export needs, in core types only (export never imports storage)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.diagnosis import Differential
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Amendment, Patient, Settings, Visit
from desktop_app.core.referral import ReferralLetter

KINDS = ("summary", "referral", "history", "safety-card")


@dataclass(frozen=True)
class VisitBundle:
    """One visit with its patient, settings and context, ready to render.

    ``amendments`` may hold the amendments of every visit in ``history``: each document picks the
    ones whose ``visit_id`` it shows. ``history`` is all of the patient's visits, oldest first.
    """

    kb: KnowledgeBase
    settings: Settings
    patient: Patient
    visit: Visit
    differential: Differential  # visit.signed_differential if signed, else assess(kb, observations)
    amendments: list[Amendment]
    history: list[Visit]
    author: str = ""  # the signature line of the clinician the document is from ("" if none)
    letter: ReferralLetter | None = None  # the referral's addressee, reason and question
