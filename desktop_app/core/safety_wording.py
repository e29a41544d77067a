"""How the red-flag safety results read, on screen and on paper alike (one owner for the words).

The panel, the summary PDF, the referral letter and the patient's safety-net card all take their
sentences from here, so they can never disagree about what was screened, what must be excluded
now, or what the patient was told.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from desktop_app.core.differential import Differential, MustExclude, NextTest, Screening
from desktop_app.core.knowledge import KnowledgeBase


@dataclass(frozen=True)
class LevelWords:
    """How one red-flag level reads: the banner, the panel, the PDFs and the command line all
    take these words (the screen may upper-case the label; the words are the same)."""

    label: str  # heads a fired rule: "Emergency"
    short: str  # where room is short (a row's badge, a dialog's title): "Emergency"
    explanation: str  # what the level is, after the label: "red-flag alarm"


# Emergency and urgent are alarms that need an acknowledgement (core.signing); a routine review is
# an information notice. The rule's own action says how soon and where to refer.
LEVELS = {
    "emergency": LevelWords("Emergency", "Emergency", "red-flag alarm"),
    "urgent": LevelWords("Urgent", "Urgent", "red-flag alarm"),
    "routine": LevelWords("Routine review", "Routine", "information, not an alarm"),
}
MUST_EXCLUDE_TITLE = "Must exclude now"
SAFETY_NET_TITLE = "If any of these happen, seek help"


@dataclass(frozen=True)
class ScreeningSummary:
    """Pertinent negatives, domains still to ask about (with the questions) and fired domains."""

    negative: tuple[str, ...]
    incomplete: tuple[tuple[str, tuple[str, ...]], ...]
    fired: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.incomplete


def item_label(kb: KnowledgeBase, item_id: str) -> str:
    """A prompt's question or an exam item's name; the ID itself for a retired or unknown one."""
    prompt = kb.prompts.get(item_id)
    if prompt is not None:
        return prompt.question
    item = kb.exam_items.get(item_id)
    return item.name if item is not None else item_id


def summarise_screening(kb: KnowledgeBase, rows: tuple[Screening, ...]) -> ScreeningSummary:
    return ScreeningSummary(
        negative=tuple(r.name for r in rows if r.status == "negative"),
        incomplete=tuple(
            (r.name, tuple(item_label(kb, i) for i in r.unanswered))
            for r in rows
            if r.status == "incomplete"
        ),
        fired=tuple(r.name for r in rows if r.status == "fired"),
    )


def screened_negative_line(summary: ScreeningSummary) -> str:
    """'Red flags screened: negative for …' (empty when nothing was fully screened)."""
    if not summary.negative:
        return ""
    return "Red flags screened: negative for " + "; ".join(summary.negative) + "."


def not_screened_line(summary: ScreeningSummary) -> str:
    """The domains whose screening questions are still unanswered (never read as negative)."""
    if not summary.incomplete:
        return ""
    parts = [f"{name} ({len(questions)} to ask)" for name, questions in summary.incomplete]
    return "Not yet screened: " + "; ".join(parts) + "."


def screening_counts_line(summary: ScreeningSummary) -> str:
    """The panel's one-line form: how many domains are screened negative and how many are not."""
    total = len(summary.negative) + len(summary.incomplete) + len(summary.fired)
    if not total:
        return ""
    parts = [f"{len(summary.negative)} of {total} screened negative"]
    if summary.incomplete:
        parts.append(f"{len(summary.incomplete)} not yet screened")
    if summary.fired:
        parts.append(f"{len(summary.fired)} raised")
    return "Red-flag screening: " + ", ".join(parts) + "."


def level_words(urgency: str) -> LevelWords:
    """The words of a level; an unknown one reads as urgent (an alarm, never as information)."""
    return LEVELS.get(urgency, LEVELS["urgent"])


def flag_heading(urgency: str, name: str, *, loud: bool = False) -> str:
    """A fired rule's heading, e.g. 'Urgent — red-flag alarm: Possible infection'; `loud`
    upper-cases the label (the banner's presentation), never the other words."""
    words = level_words(urgency)
    label = words.label.upper() if loud else words.label
    return f"{label} — {words.explanation}: {name}"


def must_exclude_line(row: MustExclude) -> str:
    return f"{level_words(row.urgency).label}: {row.name} — {row.action}"


def must_exclude_ids(differential: Differential) -> dict[str, MustExclude]:
    """The must-exclude entry of each condition in that tier, by condition ID."""
    return {m.condition_id: m for m in differential.must_exclude}


def next_test_label(test: NextTest) -> str:
    """A suggested item; a safety check says so, because it is asked for another reason."""
    return f"Safety check: {test.name}" if test.safety else test.name


def safety_net_texts(differential: Differential) -> tuple[str, ...]:
    """Plain-language advice for the patient, each text once, most urgent rule first."""
    seen: list[str] = []
    for advice in differential.safety_net:
        if advice.text not in seen:
            seen.append(advice.text)
    return tuple(seen)


def unanswered_screen_warning(kb: KnowledgeBase, differential: Differential) -> str:
    """What signing must confirm when a red-flag screen is incomplete ('' when none is)."""
    summary = summarise_screening(kb, differential.screening)
    if summary.complete:
        return ""
    lines = [f"• {name}: {'; '.join(questions)}" for name, questions in summary.incomplete]
    return (
        "These red-flag screening questions are unanswered. They will be recorded as not asked, "
        "not as negative:\n" + "\n".join(lines)
    )


def negative_screen_answers(
    kb: KnowledgeBase, differential: Differential, answers: Mapping[str, object]
) -> frozenset[str]:
    """The screening questions answered "no" in the domains screened negative: the one line
    'Red flags screened: negative for …' stands for them (any other answer is printed)."""
    negative = {s.flag_id for s in differential.screening if s.status == "negative"}
    return frozenset(
        item
        for flag_id in negative
        if flag_id in kb.red_flags
        for item in kb.red_flags[flag_id].screen
        if answers.get(item) == "no"
    )
