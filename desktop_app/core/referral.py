"""What a referral letter asks: to whom, why and the question, prefilled from the visit.

The export dialog offers these suggestions for editing, the letter prints what was accepted,
and the audit log keeps it with the export. No Qt, no ReportLab.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.differential import Differential
from desktop_app.core.errors import InvalidObservation
from desktop_app.core.knowledge import KnowledgeBase
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


def conditions_in_question(kb: KnowledgeBase, differential: Differential) -> list[str]:
    """Conditions the receiving clinician is asked about: the flagged ones, else the leader."""
    names = [
        kb.conditions[c].name
        for alert in differential.red_flags
        for c in kb.red_flags[alert.flag_id].conditions
        if c in kb.conditions
    ]
    leading = differential.leading
    if not names and leading is not None:
        names.append(leading.name)
    return list(dict.fromkeys(names))


def suggested(kb: KnowledgeBase, differential: Differential) -> ReferralLetter:
    """The letter as prefilled: the leader's usual referral, the red flags or the leader as the
    reason, and a question about the conditions in question."""
    leading = differential.leading
    addressee = DEFAULT_ADDRESSEE
    if leading is not None and leading.condition_id in kb.conditions and not differential.red_flags:
        referral = kb.conditions[leading.condition_id].next_steps.referral
        addressee = referral[0] if referral else addressee
    if differential.red_flags:
        flags = "; ".join(f"{a.name} ({a.urgency})" for a in differential.red_flags)
        reason = f"Red flag: {flags}."
    elif leading is not None:
        reason = f"Findings in keeping with {leading.name}; I would value your opinion."
    else:
        reason = "I would value your opinion on this patient's symptoms."
    asked = " or ".join(conditions_in_question(kb, differential)) or "the cause of the symptoms"
    question = (
        f"Please assess this patient for {asked}, and advise on further investigation and "
        "management."
    )
    return ReferralLetter(addressee, reason, question)


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
