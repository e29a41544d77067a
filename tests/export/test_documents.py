"""What the summary, referral letter and history say, read back from the PDF with pypdf."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from pikepdf import pdfa

from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Observations
from desktop_app.export import VisitBundle, write_pdf
from desktop_app.export.fonts import CJK
from desktop_app.export.layout import WATERMARK_TEXT
from desktop_app.export.wording import (
    exam_rows,
    finding_text,
    format_date,
    format_time,
    visit_heading,
)
from tests.export import builders
from tests.export.pdf_reading import body_lines, fonts, page_texts, text


def export(kind: str, bundle: VisitBundle, folder: Path, name: str) -> Path:
    return write_pdf(kind, bundle, folder / name)


@pytest.fixture(scope="module")
def draft(kb: KnowledgeBase) -> VisitBundle:
    return builders.bundle(kb)


@pytest.fixture(scope="module")
def summary(draft: VisitBundle, out_dir: Path) -> Path:
    return export("summary", draft, out_dir, "summary-draft.pdf")


def test_summary_holds_patient_findings_condition_red_flag_and_plan(
    summary: Path, draft: VisitBundle
) -> None:
    content = text(summary)
    kb, obs = draft.kb, draft.visit.observations
    assert draft.patient.name in content
    assert format_date(draft.patient.date_of_birth) in content
    assert draft.patient.clinic_id in content
    for test, side, result in exam_rows(kb, obs):
        assert re.search(rf"{re.escape(test)}\s+{side}\s+{result}", content)
    assert draft.differential.leading is not None
    assert draft.differential.leading.name in content
    flag = kb.red_flags["cauda_equina"]
    assert flag.name in content and flag.action in content
    assert f"Referred ({draft.visit.red_flag_acks['cauda_equina'].acknowledged_by}" in content
    for line in draft.visit.plan.splitlines():
        assert line in content
    # History as sentences: an unknown answer reads "Not known".
    assert f"{kb.prompts['radicular_symptoms'].question} Not known." in content
    assert f"{kb.prompts['injection_history'].question} Yes." in content
    # Findings for and against the leading conditions, an absent one marked as such.
    for result in draft.differential.conditions[:3]:
        for finding in (*result.supporting, *result.opposing):
            assert finding_text(finding) in content
    # Only recorded examination items appear.
    assert kb.exam_items["gt_palpation"].name not in content


def test_summary_shows_measures_and_marks(summary: Path, draft: VisitBundle) -> None:
    content = text(summary)
    nprs = draft.kb.measures["nprs"]
    assert nprs.name in content
    # 7 -> 3 on a lower-is-better scale, in the words the window uses (core.measures.change_words)
    assert "(better), a clinically important improvement: reaches the MCID" in content
    regions = {r.id: r.name for r in draft.kb.body_chart.regions}
    for mark in draft.visit.observations.marks:
        assert regions[mark.region] in content


def test_every_page_has_the_patient_header_the_watermark_and_a_true_page_count(
    summary: Path, draft: VisitBundle
) -> None:
    pages = page_texts(summary)
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        assert WATERMARK_TEXT in page
        assert f"{draft.patient.name} · born {format_date(draft.patient.date_of_birth)}" in page
        assert f"Page {n} of {len(pages)}" in page


def test_draft_and_signed_differ_only_by_watermark_and_signature(
    kb: KnowledgeBase, summary: Path, out_dir: Path
) -> None:
    signed = builders.bundle(kb, sign=True)
    signed_pdf = export("summary", signed, out_dir, "summary-signed.pdf")
    signed_pages = page_texts(signed_pdf)
    assert all(WATERMARK_TEXT not in page for page in signed_pages)
    draft_body = [line for page in page_texts(summary) for line in body_lines(page)]
    signed_body = [line for page in signed_pages for line in body_lines(page)]
    start = signed_body.index("Signature")
    block = signed_body[start : start + 3]
    assert block[1] == f"Signed by {signed.visit.signed_by} on {format_time(builders.SIGNED_AT)}"
    assert block[2] == f"Fingerprint (SHA-256): {signed.visit.fingerprint}"
    assert signed_body[:start] + signed_body[start + 3 :] == draft_body


@pytest.mark.parametrize(
    "name",
    ["Zoë Łukasiewicz", "Γιώργος Παπαδόπουλος", "王秀英", "山田 太郎", "김민준", "Åsa Øberg-王"],
)
def test_any_name_comes_back_intact(kb: KnowledgeBase, out_dir: Path, name: str) -> None:
    pdf = export("referral", builders.bundle(kb, name=name), out_dir, "name.pdf")
    assert name in text(pdf)
    cjk_used = any(CJK in font["name"] for font in fonts(pdf))
    assert cjk_used == bool(re.search(r"[\u3000-\u9fff\uac00-\ud7af]", name))


def test_referral_is_one_page_with_why_findings_and_question(
    kb: KnowledgeBase, out_dir: Path
) -> None:
    bundle = builders.bundle(kb, plan="Refer for an urgent MRI. " * 300)  # far too long for a page
    pdf = export("referral", bundle, out_dir, "referral.pdf")
    pages = page_texts(pdf)
    assert len(pages) == 1
    content = " ".join(pages[0].split())
    flag = kb.red_flags["cauda_equina"]
    assert flag.name in content
    assert "Findings" in content
    assert kb.conditions["cauda_equina_syndrome"].name in content  # the question asked
    assert bundle.patient.name in content


def test_history_has_every_visit_in_date_order_each_on_its_own_pages(
    kb: KnowledgeBase, out_dir: Path
) -> None:
    bundle = builders.bundle(kb, visits=3)
    bundle = replace(bundle, history=list(reversed(bundle.history)))  # order must not matter
    pdf = export("history", bundle, out_dir, "history.pdf")
    pages = page_texts(pdf)
    visits = sorted(bundle.history, key=lambda v: v.visit_date)
    starts = []
    for v in visits:
        heading = f"Visit of {visit_heading(v)}"
        starts.append(next(n for n, p in enumerate(pages) if body_lines(p)[0] == heading))
    assert starts == sorted(starts) and starts[0] == 1
    ends = [*starts[1:], len(pages)]
    for v, first, end in zip(visits, starts, ends, strict=True):
        for page in pages[first:end]:  # the watermark marks exactly the unsigned visit's pages
            assert (WATERMARK_TEXT in page) == (not v.is_signed)
    assert WATERMARK_TEXT not in pages[0]
    assert all(f"of {len(pages)}" in page for page in pages)


def test_letter_page_size_comes_from_the_settings(kb: KnowledgeBase, out_dir: Path) -> None:
    pdf = export("summary", builders.bundle(kb, page_size="Letter"), out_dir, "letter.pdf")
    with pikepdf.open(pdf) as doc:
        assert [round(float(v)) for v in doc.pages[0].mediabox] == [0, 0, 612, 792]


def test_signed_visit_shows_its_amendments(kb: KnowledgeBase, out_dir: Path) -> None:
    bundle = builders.bundle(kb, sign=True, amended=True)
    content = text(export("summary", bundle, out_dir, "amended.pdf"))
    amendment = bundle.amendments[0]
    assert "Amendments" in content
    assert amendment.text in content and amendment.reason in content


def test_an_empty_draft_still_exports(kb: KnowledgeBase, out_dir: Path) -> None:
    bundle = builders.bundle(kb, visits=1)
    empty = replace(
        bundle.visit,
        observations=Observations(("buttock_pain",)),
        measures={},
        red_flag_acks={},
        plan="",
    )
    bundle = replace(
        bundle, visit=empty, history=[empty], differential=assess(kb, empty.observations)
    )
    content = text(export("summary", bundle, out_dir, "empty.pdf"))
    for missing in (
        "No history recorded.",
        "No examination findings recorded.",
        "No symptoms marked.",
        "No plan recorded.",
    ):
        assert missing in content


def test_markup_characters_and_a_logo_with_transparency(kb: KnowledgeBase, out_dir: Path) -> None:
    from PIL import Image

    logo = out_dir / "logo.png"
    Image.new("RGBA", (120, 60), (20, 90, 160, 128)).save(logo)
    name = "Seán O'Brien & <Ng>"
    bundle = builders.bundle(kb, name=name, plan="Review <2 weeks> & re-test")
    bundle = replace(bundle, settings=replace(bundle.settings, logo_path=str(logo)))
    pdf = export("summary", bundle, out_dir, "logo.pdf")
    content = text(pdf)
    assert name in content and "Review <2 weeks> & re-test" in content
    assert pdfa.validate_written(pdf, "2b").passed
    with pikepdf.open(pdf) as doc:
        assert any(
            str(x.get("/Subtype")) == "/Image" for x in doc.pages[0].obj.Resources.XObject.values()
        )


def test_a_missing_logo_does_not_stop_the_export(kb: KnowledgeBase, out_dir: Path) -> None:
    bundle = builders.bundle(kb)
    bundle = replace(bundle, settings=replace(bundle.settings, logo_path=str(out_dir / "gone.png")))
    assert bundle.patient.name in text(export("summary", bundle, out_dir, "nologo.pdf"))
