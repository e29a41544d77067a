"""verify --pdf: an exported PDF checked against the record it came from."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.export.pdfa import read_record
from desktop_app.reporting import export_visit
from desktop_app.storage.repository import Repository
from tests.export import builders
from tests.storage.helpers import signer
from tests.storage.test_commands import run_command


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return builders.knowledge_base()


@pytest.fixture
def exported(db_path: Path, shipped: KnowledgeBase, tmp_path: Path) -> tuple[Path, int, int]:
    """(PDF of a signed visit, signed visit id, draft visit id), the database closed."""
    with Repository.open(db_path, shipped, actor="Alex Morgan") as repo:
        patient = repo.create_patient("Ana Ruiz", dt.date(1970, 2, 1), "female")
        visit = repo.create_visit(patient.id, "initial", ["buttock_pain"], dt.date(2026, 10, 1))
        repo.save_answer(visit.id, "saddle_anaesthesia", "no")
        repo.save_plan(visit.id, "Graded loading.")
        repo.sign_visit(visit.id, by=signer(repo, "Alex Morgan"))
        draft = repo.create_visit(patient.id, "follow_up", ["buttock_pain"], dt.date(2026, 11, 1))
        pdf = export_visit(repo, shipped, visit.id, "summary", tmp_path / "summary.pdf")
        trail = repo.audit_trail("visit", str(visit.id))
        assert trail[-1].action == "export" and " sha256 " in trail[-1].detail
    return pdf, visit.id, draft.id


def check(db_path: Path, kb: KnowledgeBase, pdf: Path) -> tuple[list[str], list[str]]:
    import hashlib

    with Repository.open(db_path, kb, read_only=True) as repo:
        return repo.check_export(read_record(pdf), hashlib.sha256(pdf.read_bytes()).hexdigest())


def test_an_exported_pdf_matches_its_record(
    exported: tuple[Path, int, int], db_path: Path, shipped: KnowledgeBase, tmp_path: Path
) -> None:
    pdf, _, _ = exported
    problems, findings = check(db_path, shipped, pdf)
    assert problems == [] and any("signed with the fingerprint" in f for f in findings)
    result = run_command(tmp_path, "--db", str(db_path), "verify", "--pdf", str(pdf))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "matches the record" in result.stdout


def test_an_altered_pdf_is_not_one_that_was_exported(
    exported: tuple[Path, int, int], db_path: Path, shipped: KnowledgeBase, tmp_path: Path
) -> None:
    pdf, _, _ = exported
    import pikepdf

    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:  # an edit that keeps the stamp
        doc.pages[0].Contents.write(b"BT /F1 12 Tf 72 72 Td (No referral needed) Tj ET")
        doc.save(pdf)
    assert read_record(pdf) is not None
    problems, _ = check(db_path, shipped, pdf)
    assert any("not one this database exported" in p for p in problems), problems
    result = run_command(tmp_path, "--db", str(db_path), "verify", "--pdf", str(pdf))
    assert result.returncode == 1


def test_a_visit_changed_after_export_no_longer_matches_the_pdf(
    exported: tuple[Path, int, int], db_path: Path, shipped: KnowledgeBase
) -> None:
    pdf, visit_id, _ = exported
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER visits_signed_update")
    conn.execute("UPDATE visits SET plan = 'Changed.' WHERE id = ?", [visit_id])
    conn.close()
    problems, _ = check(db_path, shipped, pdf)
    assert any("fingerprint printed in this file" in p for p in problems), problems


def test_a_log_cut_off_after_export_is_named(
    exported: tuple[Path, int, int], db_path: Path, shipped: KnowledgeBase
) -> None:
    pdf, _, _ = exported
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id >= (SELECT max(id) - 1 FROM audit_log)")
    conn.close()
    problems, _ = check(db_path, shipped, pdf)
    assert any("no longer holds entry" in p for p in problems), problems
    assert any("not one this database exported" in p for p in problems), problems


def test_a_pdf_from_elsewhere_has_no_stamp(
    db_path: Path, shipped: KnowledgeBase, exported: tuple[Path, int, int], tmp_path: Path
) -> None:
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.4\n%%EOF\n")
    problems, _ = check(db_path, shipped, other)
    assert problems == ["This file carries no record stamp: it is not a PDF exported by this app."]


def test_a_draft_pdf_says_whether_the_draft_changed(
    exported: tuple[Path, int, int], db_path: Path, shipped: KnowledgeBase, tmp_path: Path
) -> None:
    _, _, draft = exported
    with Repository.open(db_path, shipped) as repo:
        pdf = export_visit(repo, shipped, draft, "summary", tmp_path / "draft.pdf")
        assert any("unchanged since" in f for f in check_open(repo, pdf))
        repo.save_plan(draft, "Later thoughts.")
        assert any("has changed since" in f for f in check_open(repo, pdf))


def check_open(repo: Repository, pdf: Path) -> list[str]:
    import hashlib

    problems, findings = repo.check_export(
        read_record(pdf), hashlib.sha256(pdf.read_bytes()).hexdigest()
    )
    assert problems == []
    return findings
