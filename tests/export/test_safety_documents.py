"""Issue 11 on paper: the summary and the patient's card say what the panel says."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core import safety_wording as sw
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.export import write_pdf
from tests.export import builders
from tests.export.pdf_reading import page_texts, text


def _flat(value: str) -> str:
    return " ".join(value.split())


def test_summary_prints_the_must_exclude_tier_and_the_screening_lines(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    bundle = builders.bundle(kb)  # saddle numbness recorded: the cauda equina emergency fires
    differential = bundle.differential
    assert differential.must_exclude
    pdf = _flat(text(write_pdf("summary", bundle, tmp_path / "summary.pdf")))
    assert sw.MUST_EXCLUDE_TITLE in pdf
    first = differential.must_exclude[0]
    assert _flat(sw.must_exclude_line(first))[:60] in pdf
    summary = sw.summarise_screening(kb, differential.screening)
    line = sw.not_screened_line(summary)
    assert line and _flat(line)[:40] in pdf  # unanswered screens are "not yet screened"
    assert "negative for" not in pdf or summary.negative  # never an invented negative


def test_the_safety_card_is_one_page_with_the_same_advice_as_the_summary(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    bundle = builders.bundle(kb)
    advice = sw.safety_net_texts(bundle.differential)
    assert advice, "a cauda equina flag carries safety-net advice"
    card = write_pdf("safety-card", bundle, tmp_path / "card.pdf")
    pages = page_texts(card)
    assert len(pages) == 1
    card_text = _flat(pages[0])
    summary_text = _flat(text(write_pdf("summary", bundle, tmp_path / "summary.pdf")))
    for item in advice:
        assert _flat(item)[:50] in card_text
        assert _flat(item)[:50] in summary_text
    assert bundle.patient.name in card_text
