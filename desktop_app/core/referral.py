"""What a referral letter asks: to whom, why and the question, prefilled from the visit.

The export dialog offers these suggestions for editing, the letter prints what was accepted,
and the audit log keeps it with the export. No Qt, no ReportLab.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_app.core.differential import ConditionResult, Differential, MustExclude
from desktop_app.core.errors import InvalidObservation
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.safety_wording import level_words
from desktop_app.core.validation import clean_text

DEFAULT_ADDRESSEE = "The receiving clinician"
MAX_LETTER_FIELD = 2_000  # characters in the addressee, the reason or the question


@dataclass(frozen=True)
class ReferralLetter:
    addressee: str
    reason: str
    question: str

    def audit_detail(self) -> str:
        """The letter's three fields as the export's audit entry records them."""
        return f"to: {self.addressee}; reason: {self.reason}; question: {self.question}"


def leader(differential: Differential) -> ConditionResult | None:
    """The condition that leads the differential: the member that places the first group
    (core.ranking.leaders, through Differential.leading), not the group's parent row."""
    return differential.leading


def _leading_must_exclude(differential: Differential) -> MustExclude | None:
    """The must-exclude entry (urgent or emergency rule) of the leader, if one leads."""
    lead = leader(differential)
    if lead is None:
        return None
    return next((m for m in differential.must_exclude if m.condition_id == lead.condition_id), None)


def conditions_in_question(kb: KnowledgeBase, differential: Differential) -> list[str]:
    """Conditions the receiving clinician is asked about: the flagged ones, else the leader when
    the record supports it."""
    names = [
        kb.conditions[c].name
        for alert in differential.red_flags
        for c in kb.red_flags[alert.flag_id].conditions
        if c in kb.conditions
    ]
    lead = leader(differential)
    if not names and lead is not None and lead.specific:
        names.append(lead.name)
    return list(dict.fromkeys(names))


def _addressee(kb: KnowledgeBase, differential: Differential) -> str:
    """A leading must-exclude condition: the first sentence of the rule that put it there (its
    urgency and where to send, e.g. the emergency department). Otherwise, with no red flag,
    the leader's usual referral; a leader that nothing in the record supports has none."""
    urgent = _leading_must_exclude(differential)
    if urgent is not None:
        return _first_sentence(urgent.action) or DEFAULT_ADDRESSEE
    lead = leader(differential)
    if lead is None or differential.red_flags or not lead.specific:
        return DEFAULT_ADDRESSEE
    condition = kb.conditions.get(lead.condition_id)
    referral = condition.next_steps.referral if condition is not None else ()
    return referral[0] if referral else DEFAULT_ADDRESSEE


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0]


def suggested(kb: KnowledgeBase, differential: Differential) -> ReferralLetter:
    """The letter as prefilled: addressed as the leader needs (_addressee), the red flags or the
    leader as the reason, and a question about the conditions in question."""
    lead = leader(differential)
    if differential.red_flags:
        flags = "; ".join(
            f"{a.name} ({level_words(a.urgency).short.lower()})" for a in differential.red_flags
        )
        reason = f"Red flag: {flags}."
    elif lead is not None and lead.specific:
        reason = f"Findings in keeping with {lead.name}; I would value your opinion."
    else:
        reason = "I would value your opinion on this patient's symptoms."
    asked = " or ".join(conditions_in_question(kb, differential)) or "the cause of the symptoms"
    question = (
        f"Please assess this patient for {asked}, and advise on further investigation and "
        "management."
    )
    return ReferralLetter(_addressee(kb, differential), reason, question)


def clean_letter(letter: ReferralLetter) -> ReferralLetter:
    """Trimmed and checked; each of the three fields is required."""
    fields = []
    for value, what in (
        (letter.addressee, "addressee"),
        (letter.reason, "reason for the referral"),
        (letter.question, "question"),
    ):
        text = clean_text(value, what).strip()
        if not text:
            raise InvalidObservation(f"Enter the {what}.")
        if len(text) > MAX_LETTER_FIELD:
            raise InvalidObservation(f"The {what} is longer than {MAX_LETTER_FIELD} characters.")
        fields.append(text)
    return ReferralLetter(*fields)
