"""`export-pdf` when the database's disk is full: the PDF is written (it goes elsewhere), and the
command says it was written but not audited instead of calling it a failure or staying silent."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app import paths
from desktop_app.app import COMMAND_ACTOR, App
from desktop_app.cli import build_parser
from desktop_app.core.knowledge.loader import load_knowledge_base
from desktop_app.export.pdfa import read_record
from desktop_app.storage import store
from desktop_app.storage.errors import DiskFull
from desktop_app.storage.repository import Repository


def run(*argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    args.app = App(db=args.db, actor=COMMAND_ACTOR)  # what desktop_app.app.run does
    return int(args.func(args))


def fill(repo: Repository, visit_id: int) -> None:
    """Cap the file at its size, then write until not even one more export entry fits: the
    disk under the database is full (SQLite's page limit is its full disk)."""
    pages = repo.db.execute("PRAGMA page_count").fetchone()[0]
    repo.db.execute(f"PRAGMA max_page_count = {pages}")
    for size in (3000, 300, 30):
        for n in range(400):
            try:
                repo.save_plan(visit_id, f"Plan {n}. " + "x" * size)
            except DiskFull:
                break
    for _ in range(400):
        if repo.record_export(visit_id, "summary", "a.pdf", "0" * 64):  # "": it still fitted
            return
    pytest.fail("the database never filled up")


def full_disk(connect: Callable[..., sqlite3.Connection]) -> Callable[..., sqlite3.Connection]:
    """The database connection the command opens sees the same full disk."""

    def capped(path: Path, **kwargs: bool) -> sqlite3.Connection:
        conn = connect(path, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    return capped


@pytest.mark.sqlite_only
def test_an_export_written_but_not_audited_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    kb = load_knowledge_base(paths.KNOWLEDGE_BASE)
    db = tmp_path / "visits.sqlite3"
    with Repository.open(db, kb, actor="Dr Test") as repo:
        patient = repo.create_patient("Full Disk", dt.date(1970, 2, 1), "female")
        visit = repo.create_visit(patient.id, "initial", ["buttock_pain"], dt.date(2026, 11, 5))
        fill(repo, visit.id)
        entries = len(repo.audit_trail())
    out = tmp_path / "usb" / "summary.pdf"
    out.parent.mkdir()
    with monkeypatch.context() as patch:
        patch.setattr(store, "connect", full_disk(store.connect))
        exported = run("--db", str(db), "export-pdf", "--visit", str(visit.id), "--out", str(out))

    assert exported == 0

    said = capsys.readouterr()
    assert f"Wrote summary of visit {visit.id} to {out}" in said.out
    assert "written but not audited" in said.err
    assert "full" in said.err  # why: the database's disk
    assert out.read_bytes().startswith(b"%PDF")
    with Repository.open(db, kb) as repo:
        assert len(repo.audit_trail()) == entries  # nothing claims an entry that is not there
        assert repo.verify() == []
        digest = hashlib.sha256(out.read_bytes()).hexdigest()
        problems, _ = repo.check_export(read_record(out), digest)
        assert any("could not be audited" in p for p in problems)  # verify --pdf says why


@pytest.mark.sqlite_only
def test_an_audited_export_prints_no_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kb = load_knowledge_base(paths.KNOWLEDGE_BASE)
    db = tmp_path / "visits.sqlite3"
    with Repository.open(db, kb, actor="Dr Test") as repo:
        patient = repo.create_patient("Free Disk", dt.date(1970, 2, 1), "female")
        visit = repo.create_visit(patient.id, "initial", ["buttock_pain"], dt.date(2026, 11, 5))
    out = tmp_path / "summary.pdf"
    assert run("--db", str(db), "export-pdf", "--visit", str(visit.id), "--out", str(out)) == 0
    assert "not audited" not in capsys.readouterr().err
    with Repository.open(db, kb) as repo:
        assert repo.audit_trail()[-1].action == "export"
