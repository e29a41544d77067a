"""CSV of visits and scores for a date range: one row per visit, free text only when asked."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from desktop_app.app import App, main
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository
from tests.exchange.builders import Clinic, clinic


@pytest.fixture()
def recorded(tmp_path: Path, kb: KnowledgeBase) -> Clinic:
    return clinic(tmp_path / "clinic.sqlite3", kb)


def export(recorded: Clinic, out: Path, first: str, last: str, *extra: str) -> int:
    args = ["export-csv", "--from", first, "--to", last, "--out", str(out)]
    return main([*args, *extra, "--db", str(recorded.path)])


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_one_row_per_visit_in_the_range_with_scores(recorded: Clinic, tmp_path: Path) -> None:
    out = tmp_path / "audit.csv"
    assert export(recorded, out, "2026-03-01", "2026-03-31") == 0
    (row,) = rows(out)  # the April draft is outside the range
    assert row["visit_id"] == str(recorded.signed_visit)
    assert (row["name"], row["date_of_birth"], row["sex"]) == (
        "Zoë Łukasiewicz",
        "1970-03-14",
        "female",
    )
    assert (row["nprs_score"], row["visa_g_score"], row["lefs_score"]) == ("7", "55", "")
    assert row["status"] == "signed" and len(row["fingerprint"]) == 64
    assert "cauda equina syndrome (emergency)" in row["red_flags"].lower()

    both = tmp_path / "both.csv"
    assert export(recorded, both, "2026-01-01", "2026-12-31") == 0
    assert [r["visit_type"] for r in rows(both)] == ["initial", "follow_up"]


def test_no_free_text_unless_asked(recorded: Clinic, tmp_path: Path) -> None:
    plain, full = tmp_path / "plain.csv", tmp_path / "full.csv"
    assert export(recorded, plain, "2026-01-01", "2026-12-31") == 0
    text = plain.read_text(encoding="utf-8-sig")
    assert "Secret plan text" not in text and "private" not in text and "plan" not in rows(plain)[0]
    assert export(recorded, full, "2026-01-01", "2026-12-31", "--include-plan") == 0
    assert rows(full)[0]["plan"] == "Secret plan text: refer today."


def test_the_export_is_audited_without_names(recorded: Clinic, tmp_path: Path) -> None:
    assert export(recorded, tmp_path / "a.csv", "2026-01-01", "2026-12-31") == 0
    with Repository.open(recorded.path, App().knowledge_base()) as repo:
        entry = repo.audit_trail("database")[-1]
    assert entry.action == "export"
    assert entry.detail == "csv visits 2026-01-01..2026-12-31 (2 rows)"


def test_a_reversed_range_is_refused(
    recorded: Clinic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.csv"
    assert export(recorded, out, "2026-12-31", "2026-01-01") == 2
    assert "ends (2026-01-01) before it starts" in capsys.readouterr().err
    assert not out.exists()
