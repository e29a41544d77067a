"""Hindi, Marathi and Nepali names in the PDFs: embedded, shaped, and read back as typed.

Devanagari is shaped (conjuncts, the reph, the vowel sign ि before its consonant), so the glyphs
drawn are not the characters typed; each shaped run carries /ActualText with the typed text,
which is what text extraction (pdftotext, copy and paste, search) returns.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.export import write_pdf
from tests.export import builders
from tests.export.pdf_reading import fonts

NAME = "अनीता शर्मा"  # र्मा: the reph, drawn above the last letter, is a shaped glyph
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed"
)


@pytest.fixture(scope="module", params=["summary", "referral", "history"])
def document(request: pytest.FixtureRequest, kb: KnowledgeBase, out_dir: Path) -> Path:
    bundle = builders.bundle(kb, name=NAME)
    return write_pdf(request.param, bundle, out_dir / f"devanagari-{request.param}.pdf")


def actual_texts(pdf: Path) -> list[str]:
    """The /ActualText of every marked-content span on every page."""
    found = []
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                properties = operands[1] if str(operator) == "BDC" else None
                if isinstance(properties, pikepdf.Dictionary) and "/ActualText" in properties:
                    found.append(str(properties.ActualText))
    return found


def pdftotext(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def test_the_name_is_in_the_embedded_devanagari_font(document: Path) -> None:
    used = {f["name"].split("+")[-1]: f["embedded"] for f in fonts(document)}
    # Bold in the page header and the patient block; every font embedded (PDF/A).
    assert used.get("NotoSansDevanagari-Bold") is True, used
    assert all(used.values()), used


def test_the_shaped_name_reads_back_as_typed(document: Path) -> None:
    # A span is written only where the glyphs drawn differ from the text: the name was shaped.
    spans = actual_texts(document)
    assert any(NAME in span for span in spans), spans


@needs_pdftotext
def test_pdftotext_returns_the_name(document: Path) -> None:
    assert NAME in pdftotext(document)


@needs_pdftotext
@pytest.mark.parametrize(
    "name", ["Anita Ffion-शर्मा", "क्षितिज श्रेष्ठ", "श्री 王秀英 Zoë", "हिन्दी, मराठी (नेपाली)"]
)
def test_mixed_and_conjunct_names_come_back_intact(
    kb: KnowledgeBase, out_dir: Path, name: str
) -> None:
    # A word mixing scripts is shaped run by run (never with another font's glyphs), and Latin
    # text beside Devanagari gets no ligatures ("Ffion", not "Fﬁon").
    pdf = write_pdf("referral", builders.bundle(kb, name=name), out_dir / "mixed.pdf")
    assert name in pdftotext(pdf)
