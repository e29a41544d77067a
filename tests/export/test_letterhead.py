"""The letterhead prints what set-up recorded and nothing made up: no "Clinic" before a clinic
name is set, the name once it is."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Settings
from desktop_app.export import write_pdf
from tests.export import builders
from tests.export.pdf_reading import page_texts

KINDS = ("summary", "referral", "history", "safety-card")


@pytest.mark.parametrize("kind", KINDS)
def test_no_clinic_name_is_made_up_before_set_up(
    kind: str, kb: KnowledgeBase, tmp_path: Path
) -> None:
    bare = replace(builders.bundle(kb), settings=Settings(), author="")
    first_page = page_texts(write_pdf(kind, bare, tmp_path / f"{kind}.pdf"))[0]
    assert "Clinic" not in first_page.replace("Clinical", "").replace("clinic", "")
    named = replace(bare, settings=builders.settings())
    first_page = page_texts(write_pdf(kind, named, tmp_path / f"{kind}-named.pdf"))[0]
    assert "Riverside Physiotherapy" in first_page and "12 Mill Lane" in first_page
