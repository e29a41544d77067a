"""Issue 11 on paper: the three red-flag levels look as different in the PDFs as on screen.

An emergency is a red alarm, urgent an amber one (both with their acknowledgement), a routine
review plain text headed as an information notice with no acknowledgement line.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

from desktop_app.core import safety_wording as sw
from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.signing import needs_acknowledgement
from desktop_app.core.validation import observations_from_dict
from desktop_app.export import write_pdf
from desktop_app.export.styles import ALERT, CAUTION, INK
from tests.export import builders, pdf_reading


def three_level_bundle(kb: KnowledgeBase) -> builders.VisitBundle:
    """Saddle numbness (emergency), fever alone (urgent) and night pain (routine)."""
    case = {**builders.CASE, "answers": {**builders.CASE["answers"]}}
    case["answers"].update({"fever": "yes", "systemically_unwell": "no", "night_pain": "yes"})
    bundle = builders.bundle(kb)
    visit = replace(bundle.visit, observations=observations_from_dict(kb, case))
    return replace(bundle, visit=visit, differential=assess(kb, visit.observations))


def coloured_text(pdf: Path) -> list[tuple[str, tuple[float, ...]]]:
    """Each text run of the PDF with the fill colour it is drawn in."""
    runs: list[tuple[str, tuple[float, ...]]] = []
    fill: list[tuple[float, ...]] = [(0.0, 0.0, 0.0)]

    def operator(op: bytes, args: list, *_: object) -> None:
        if op == b"rg":
            fill[0] = tuple(round(float(a), 2) for a in args)

    def text(value: str, *_: object) -> None:
        if value.strip():
            runs.append((value.strip(), fill[0]))

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return runs


def colour_of(runs: list[tuple[str, tuple[float, ...]]], start: str) -> tuple[float, ...]:
    return next(c for t, c in runs if t.startswith(start))


def level_heading(urgency: str) -> str:
    """A level's heading up to the rule's name: 'Urgent — red-flag alarm'."""
    return sw.flag_heading(urgency, "").removesuffix(": ")


def rounded(rgb: tuple[float, float, float]) -> tuple[float, ...]:
    return tuple(round(v, 2) for v in rgb)


def test_the_summary_and_the_letter_draw_each_level_in_its_own_way(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    bundle = three_level_bundle(kb)
    levels = {a.urgency for a in bundle.differential.red_flags}
    assert levels == {"emergency", "urgent", "routine"}
    alarms = [a for a in bundle.differential.red_flags if needs_acknowledgement(a)]
    for kind in ("summary", "referral"):
        pdf = write_pdf(kind, bundle, tmp_path / f"{kind}.pdf")
        runs = coloured_text(pdf)
        assert colour_of(runs, level_heading("emergency")) == rounded(ALERT), kind
        assert colour_of(runs, level_heading("urgent")) == rounded(CAUTION), kind
        assert colour_of(runs, level_heading("routine")) == rounded(INK), kind
        all_text = " ".join(t for t, _ in runs)
        assert all_text.count("red-flag alarm") == len(alarms), kind
        # Only the alarms carry an acknowledgement line; the routine notice does not ask for one.
        ack_lines = (
            ("Acknowledged:",)
            if kind == "summary"
            else ("Not acknowledged", "Referred", "Not referred")
        )
        assert sum(t.startswith(ack_lines) for t, _ in runs) == len(alarms), kind


def test_each_level_is_printed_in_the_words_of_the_one_table(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """The summary and the letter head each fired rule with its level's label and explanation
    from core.safety_wording.LEVELS (the banner reads the same: tests/gui/test_same_wording)."""
    bundle = three_level_bundle(kb)
    for kind in ("summary", "referral"):
        printed = pdf_reading.text(write_pdf(kind, bundle, tmp_path / f"{kind}.pdf"))
        for alert in bundle.differential.red_flags:
            words = sw.LEVELS[alert.urgency]
            heading = f"{words.label} — {words.explanation}: {alert.name}"
            assert " ".join(heading.split()) in printed, (kind, alert.urgency)
        assert "Routine review — information, not an alarm" in printed, kind
