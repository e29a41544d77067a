"""`export-pdf` end to end: a real SQLite database filled through the repository, a real PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop_app.app import COMMAND_ACTOR, App
from desktop_app.cli import build_parser
from desktop_app.core.errors import AppError
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Mark
from desktop_app.core.records import Settings
from desktop_app.reporting import load_bundle
from desktop_app.storage.repository import Repository
from tests.export.pdf_reading import page_texts, text
from tests.storage.helpers import signer


def run(*argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    args.app = App(db=args.db, actor=COMMAND_ACTOR)  # what desktop_app.app.run does
    return int(args.func(args))


@pytest.fixture(scope="module")
def database(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    """A patient with a signed, amended first visit and a draft follow-up with a red flag."""
    path = tmp_path_factory.mktemp("db") / "visits.sqlite3"
    with Repository.open(path, kb, actor="Alex Morgan") as repo:
        repo.save_settings(Settings(clinic_name="Riverside Physiotherapy", page_size="Letter"))
        patient = repo.create_patient("Γιώργος Παπαδόπουλος", dt.date(1970, 2, 1), "male")
        first = repo.create_visit(
            patient.id, "initial", ["gluteal_depression"], visit_date=dt.date(2026, 10, 1)
        )
        repo.save_answer(first.id, "injection_history", "yes")
        repo.save_measure(first.id, "nprs", {"current": 7})
        repo.sign_visit(first.id, by=signer(repo, "Alex Morgan"))
        repo.amend_visit(
            first.id,
            "Injection was in the left buttock.",
            "Clarified site",
            by=signer(repo, "Alex Morgan"),
        )
        second = repo.create_visit(
            patient.id, "follow_up", ["buttock_pain"], visit_date=dt.date(2026, 11, 5)
        )
        repo.save_answer(second.id, "saddle_anaesthesia", "yes")
        repo.save_exam(second.id, "active_piriformis", "right", "positive")
        repo.set_mark(second.id, Mark("deep_gluteal", "pain", "right"), True)
        repo.save_measure(second.id, "nprs", {"current": 5})
        repo.acknowledge_red_flag(
            second.id, "cauda_equina", True, "", by=signer(repo, "Alex Morgan")
        )
        repo.save_plan(second.id, "Emergency referral today.")
    return path, first.id, second.id


def test_load_bundle_gathers_history_and_amendments(
    kb: KnowledgeBase, database: tuple[Path, int, int]
) -> None:
    path, first, second = database
    with Repository.open(path, kb, read_only=True) as repo:
        bundle = load_bundle(repo, kb, second)
    assert [v.id for v in bundle.history] == [first, second]
    assert bundle.history[-1] is bundle.visit
    assert [a.visit_id for a in bundle.amendments] == [first]
    assert [f.flag_id for f in bundle.differential.red_flags] == ["cauda_equina"]


def test_a_summary_bundle_reads_the_other_visits_only_for_their_scores(
    kb: KnowledgeBase, database: tuple[Path, int, int]
) -> None:
    """The summary, letter and card show earlier visits only in the measure chart and its
    change: one query for the scores, no visit read one by one (630 ms at 2000 visits)."""
    path, first, second = database
    with Repository.open(path, kb, read_only=True) as repo:
        for kind in ("summary", "referral", "safety-card"):
            bundle = load_bundle(repo, kb, second, kind=kind)
            assert bundle.history == [bundle.visit] and bundle.visit.id == second
            assert bundle.amendments == []  # the first visit's amendment is not this visit's
            assert bundle.scores == {
                "nprs": [(dt.date(2026, 10, 1), first, 7.0), (dt.date(2026, 11, 5), second, 5.0)]
            }


def test_export_summary_writes_the_pdf_and_audits_it(
    kb: KnowledgeBase, database: tuple[Path, int, int], tmp_path: Path
) -> None:
    path, _, second = database
    out = tmp_path / "summary.pdf"
    assert run("export-pdf", "--visit", str(second), "--out", str(out), "--db", str(path)) == 0
    content = text(out)
    assert "Γιώργος Παπαδόπουλος" in content
    assert kb.red_flags["cauda_equina"].name in content
    assert "Emergency referral today." in content
    with Repository.open(path, kb, read_only=True) as repo:
        exports = [e for e in repo.audit_trail("visit", str(second)) if e.action == "export"]
    assert exports and "summary" in exports[-1].detail


def test_export_history_has_both_visits(database: tuple[Path, int, int], tmp_path: Path) -> None:
    path, first, _ = database
    out = tmp_path / "history.pdf"
    run(
        "--db",
        str(path),
        "export-pdf",
        "--visit",
        str(first),
        "--kind",
        "history",
        "--out",
        str(out),
    )
    pages = page_texts(out)
    assert sum("Visit of 1 Oct 2026" in p for p in pages) >= 1
    assert sum("Visit of 5 Nov 2026" in p for p in pages) >= 1
    assert "Injection was in the left buttock." in "\n".join(pages)


def test_unknown_visit_and_missing_database_are_plain_errors(
    database: tuple[Path, int, int], tmp_path: Path
) -> None:
    path, _, _ = database
    out = tmp_path / "x.pdf"
    with pytest.raises(AppError, match="no visit with ID 999"):
        run("export-pdf", "--visit", "999", "--out", str(out), "--db", str(path))
    with pytest.raises(AppError, match="no database"):
        run("export-pdf", "--visit", "1", "--out", str(out), "--db", str(tmp_path / "none.db"))
    assert not out.exists()
