"""Everything one export needs, in core types only (export never imports storage)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from desktop_app.core.diagnosis import Differential
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Amendment, Patient, Settings, Visit
from desktop_app.core.referral import ReferralLetter

KINDS = ("summary", "referral", "history", "safety-card")

# measure ID -> (visit date, visit ID, score) of every scored visit of the patient, oldest first
# (storage's measure_histories: the one owner of which visits count).
Scores = Mapping[str, Sequence[tuple[dt.date, int, float]]]


@dataclass(frozen=True)
class VisitBundle:
    """One visit with its patient, settings and context, ready to render.

    ``amendments`` may hold the amendments of every visit in ``history``: each document picks the
    ones whose ``visit_id`` it shows. ``history`` is the visits shown in full, oldest first: all
    of the patient's for the history, the visit alone for the others. ``scores`` are the measure
    scores of all of the patient's visits (the charts and "change since previous visit").
    """

    kb: KnowledgeBase
    settings: Settings
    patient: Patient
    visit: Visit
    differential: Differential  # visit.signed_differential if signed, else assess(kb, observations)
    amendments: list[Amendment]
    history: list[Visit]
    scores: Scores
    author: str = ""  # the signature line of the clinician the document is from ("" if none)
    letter: ReferralLetter | None = None  # the referral's addressee, reason and question
