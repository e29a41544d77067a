"""The summary's history prints one 'Red flags screened: negative for …' line for the domains
screened negative, not each of their questions; any other answer is still printed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.safety_wording import screened_negative_line, summarise_screening
from desktop_app.reporting import export_visit
from desktop_app.storage.repository import Repository
from tests.export.pdf_reading import text


def test_negative_domains_are_one_line_and_a_yes_is_still_printed(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    asked = {p.id: p for p in kb.prompts_for(["buttock_pain"])}
    with Repository.open(tmp_path / "visits.sqlite3", kb) as repo:
        patient = repo.create_patient("Ana Ruiz", dt.date(1974, 3, 14), "female")
        visit = repo.create_visit(patient.id, "initial", ["buttock_pain"], dt.date(2026, 11, 2))
        screen = {i for f in kb.red_flags.values() for i in f.screen}
        no_items = sorted(i for i in screen if i in asked and asked[i].answer_type == "yes_no")
        for item in no_items:
            repo.save_answer(visit.id, item, "no")
        repo.save_answer(visit.id, "current_pain", 5)
        differential = assess(kb, repo.get_visit(visit.id).observations)
        line = screened_negative_line(summarise_screening(kb, differential.screening))
        negative = {s.flag_id for s in differential.screening if s.status == "negative"}
        assert line and negative
        collapsed = {i for f in negative for i in kb.red_flags[f].screen if i in no_items}
        content = text(export_visit(repo, kb, visit.id, "summary", tmp_path / "summary.pdf"))
    history = content[content.index("History") : content.index("Examination")]
    assert line in history
    assert all(asked[i].question not in history for i in collapsed)
    assert "Current pain (0–10): 5 out of 10." in history
