"""A failed export leaves no file (and no temporary file) and says why in plain words."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop_app.core.errors import ExportError
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.export import VisitBundle, write_pdf
from tests.export import builders

ROOT = Path(__file__).resolve().parents[2]


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


def with_tiny_file_limit(code: str, tmp_path: Path) -> str:
    """Run `code` in a child process whose files may not grow past 2 kB, like a full disk.

    A child, because the limit would also stop this process writing its own logs and output.
    The code runs with `out` (tmp_path / "summary.pdf") defined; returns the ExportError message.
    """
    script = f"""
import resource, signal, sys
from pathlib import Path
from desktop_app.core.errors import ExportError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
resource.setrlimit(resource.RLIMIT_FSIZE, (2048, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
out = Path({str(tmp_path / "summary.pdf")!r})
try:
{textwrap.indent(textwrap.dedent(code), "    ")}
except ExportError as exc:
    print(exc)
    sys.exit(0)
sys.exit("no ExportError")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_export_failing_part_way_leaves_nothing(tmp_path: Path) -> None:
    message = with_tiny_file_limit(
        """
        from desktop_app import paths
        from desktop_app.core.knowledge import load_knowledge_base
        from desktop_app.export import write_pdf
        from tests.export import builders
        write_pdf("summary", builders.bundle(load_knowledge_base(paths.KNOWLEDGE_BASE)), out)
        """,
        tmp_path,
    )
    # The limit fails pikepdf's temporary file with EFBIG ("File too large"), not a full disk.
    assert re.search(r"could not be prepared \(File too large\)|Cannot write", message)
    assert list(tmp_path.iterdir()) == []


def test_write_failing_part_way_removes_its_temporary_file(tmp_path: Path) -> None:
    message = with_tiny_file_limit(
        """
        from desktop_app.export.files import write_atomically
        write_atomically(b"%PDF-" + b"x" * 10_000, out)
        """,
        tmp_path,
    )
    assert f"Cannot write the PDF to {tmp_path / 'summary.pdf'}" in message
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_the_previous_file_intact(tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    out.write_bytes(b"previous export")
    with_tiny_file_limit(
        """
        from desktop_app.export.files import write_atomically
        write_atomically(b"%PDF-" + b"x" * 10_000, out)
        """,
        tmp_path,
    )
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
