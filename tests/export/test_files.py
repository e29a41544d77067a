"""A failed export leaves no file (and no temporary file) and says why in plain words."""

from __future__ import annotations

import os
import re
import resource
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.errors import ExportError
from desktop_app.core.knowledge_base import KnowledgeBase
from desktop_app.export import VisitBundle, write_pdf
from desktop_app.export.files import write_atomically
from tests.export import builders


@pytest.fixture(scope="module")
def bundle(kb: KnowledgeBase) -> VisitBundle:
    return builders.bundle(kb)


def test_missing_folder(bundle: VisitBundle, tmp_path: Path) -> None:
    out = tmp_path / "no such folder" / "summary.pdf"
    with pytest.raises(ExportError, match="does not exist"):
        write_pdf("summary", bundle, out)
    assert not out.parent.exists()


def test_target_is_a_folder(bundle: VisitBundle, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="is a folder"):
        write_pdf("summary", bundle, tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only folder")
def test_read_only_folder(bundle: VisitBundle, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    try:
        with pytest.raises(ExportError, match="not allowed to write"):
            write_pdf("summary", bundle, folder / "summary.pdf")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


@pytest.fixture
def tiny_file_limit() -> Iterator[None]:
    """Files may not grow past 2 kB: writing a PDF fails part-way, like a full disk."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_export_failing_part_way_leaves_nothing(
    bundle: VisitBundle, tmp_path: Path, tiny_file_limit: None
) -> None:
    out = tmp_path / "summary.pdf"
    with pytest.raises(ExportError, match=r"disk space|Cannot write"):
        write_pdf("summary", bundle, out)
    assert list(tmp_path.iterdir()) == []


def test_write_failing_part_way_removes_its_temporary_file(
    tmp_path: Path, tiny_file_limit: None
) -> None:
    out = tmp_path / "summary.pdf"
    with pytest.raises(ExportError, match=re.escape(f"Cannot write the PDF to {out}")):
        write_atomically(b"%PDF-" + b"x" * 10_000, out)
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_the_previous_file_intact(tmp_path: Path, tiny_file_limit: None) -> None:
    out = tmp_path / "summary.pdf"
    out.write_bytes(b"previous export")
    with pytest.raises(ExportError):
        write_atomically(b"%PDF-" + b"x" * 10_000, out)
    assert out.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.pdf"]


def test_success_replaces_the_file_and_leaves_no_temporary(
    bundle: VisitBundle, tmp_path: Path
) -> None:
    out = tmp_path / "summary.pdf"
    out.write_bytes(b"previous export")
    assert write_pdf("summary", bundle, out) == out
    assert out.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["summary.pdf"]


def test_unknown_kind(bundle: VisitBundle, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="summary, referral, history"):
        write_pdf("invoice", bundle, tmp_path / "x.pdf")
