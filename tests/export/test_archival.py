"""The files are sound: fonts embedded, PDF/A-2b valid, qpdf-clean, metadata filled in."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pikepdf import pdfa

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.export import write_pdf
from tests.export import builders
from tests.export.pdf_reading import fonts


@pytest.fixture(scope="module", params=["summary", "referral", "history"])
def document(request: pytest.FixtureRequest, kb: KnowledgeBase, out_dir: Path) -> Path:
    # A CJK and a Devanagari name pull in the other fonts, so every font is checked (and the
    # widths of Devanagari's shaped glyphs, which PDF/A compares with the font program).
    bundle = builders.bundle(kb, name="Zoë 王秀英 क्षितिज शर्मा", visits=3)
    return write_pdf(request.param, bundle, out_dir / f"archival-{request.param}.pdf")


def test_every_font_is_embedded_and_none_is_helvetica(document: Path) -> None:
    used = fonts(document)
    assert {f["name"].split("+")[-1] for f in used} >= {"DejaVuSans", "DejaVuSans-Bold"}
    assert all(f["embedded"] for f in used), used
    assert not [f for f in used if "Helvetica" in f["name"] or f["subtype"] == "/Type1"]


def test_passes_pdfa_2b_validation(document: Path) -> None:
    report = pdfa.validate_written(document, "2b")
    assert report.passed, report.summary()
    with pikepdf.open(document) as doc:
        assert "/OutputIntents" in doc.Root and "/Metadata" in doc.Root
        assert all("/Trans" not in page.obj for page in doc.pages)


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
def test_passes_qpdf_check(document: Path) -> None:
    result = subprocess.run(
        ["qpdf", "--check", str(document)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_metadata_names_the_document(document: Path) -> None:
    with pikepdf.open(document) as doc:
        info = doc.docinfo
        assert "Zoë 王秀英" in str(info["/Title"])
        assert str(info["/Author"]) == builders.AUTHOR
        assert str(info["/Subject"])
        assert str(info["/CreationDate"]).startswith("D:20")
