"""Synthetic demo data: valid, audited, fingerprinted like real visits, and clearly synthetic."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.demo_data import generate
from desktop_app.storage.repository import Repository


def test_demo_patients_are_synthetic_valid_and_verifiable(repo: Repository) -> None:
    progress: list[int] = []
    generate(repo, 60, 3, seed=7, progress=progress.append)
    generate(repo, 10, 0, seed=8)
    assert progress == [60] and repo.patient_count() == 70
    patients = repo.search_patients("demo-000061")
    assert [p.clinic_id for p in patients] == ["DEMO-000061"]  # numbering continues
    assert repo.list_visits(patients[0].id) == []

    summaries = [v for p in repo.search_patients("", limit=100) for v in repo.list_visits(p.id)]
    assert len(summaries) == 180
    assert {v.status for v in summaries} == {"draft", "signed"}
    assert {v.visit_type for v in summaries} == {"initial", "follow_up", "discharge"}
    for summary in summaries:
        visit = repo.get_visit(summary.id)
        patient = repo.get_patient(visit.patient_id)
        assert patient.notes.startswith("Synthetic") and patient.contact.endswith(".invalid")
        if visit.is_signed:
            assert visit.signed_differential is not None
            assert visit.signed_differential.kb_version == repo.kb.version
    assert repo.verify() == []
    assert any(e.action == "amend" for e in repo.audit_trail("visit"))


def test_the_same_seed_gives_the_same_patients(
    repo: Repository, tmp_path: Path, kb: KnowledgeBase
) -> None:
    generate(repo, 5, 1, seed=3)
    with Repository.open(tmp_path / "other.sqlite3", kb) as other:
        generate(other, 5, 1, seed=3)
        assert other.search_patients("", 10) == repo.search_patients("", 10)
