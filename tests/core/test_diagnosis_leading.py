"""One leading condition: the screen's, the letter's, the stored value and the exports agree.

`Differential.leading` is the first leader (core.ranking.leaders: the member that places the
first group), not the group's parent row. A tiny knowledge base with a nested pair: "Tear" is a
child of "Tendon problem"; pain on sitting makes Tear carry its group's probability, so the top
row of the differential is the parent while the child leads. The visit is stored and signed in
a real SQLite file, and the letter and the CSV are the real exports.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from desktop_app.core.diagnosis import assess
from desktop_app.core.differential import Differential
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.core.observations import Observations
from desktop_app.core.referral import leader
from desktop_app.exchange.csv_export import visits_csv
from desktop_app.storage.repository import Repository
from tests.core.tiny_kb import FILES, write_tiny_kb


def _condition(cid: str, name: str, prior: float, lr: float) -> dict[str, Any]:
    figure = {"value": prior, "estimate": True, "rationale": "test"}
    link = {
        "label": "Pain sitting",
        "when": {"answer": "sitting", "equals": "yes"},
        "lr_pos": lr,
        "estimate": True,
        "rationale": "test",
    }
    return {
        "id": cid,
        "name": name,
        "description": name,
        "urgency": "routine",
        "priors": {"pain": figure, "dent": figure},
        "links": [link],
    }


def _nested(tmp_path: Path) -> KnowledgeBase:
    data: dict[str, Any] = copy.deepcopy(FILES)
    tear = _condition("tear", "Tear", 0.25, 6.0)
    tear["parent"] = "tendon"
    data["conditions.yaml"] += [_condition("tendon", "Tendon problem", 0.15, 4.0), tear]
    return load_knowledge_base(write_tiny_kb(tmp_path / "kb", data))


def test_the_leading_condition_is_the_first_leader_not_the_top_row(tmp_path: Path) -> None:
    kb = _nested(tmp_path)
    result = assess(kb, Observations(("pain",), {"sitting": "yes"}))
    assert result.conditions[0].condition_id == "tendon"  # the group's row, shown first
    assert result.leaders[0] == "tear"
    assert result.leading is not None and result.leading.condition_id == "tear"
    assert leader(result) is result.leading  # the referral letter's rule is the same


def test_screen_letter_stored_value_and_export_agree(tmp_path: Path) -> None:
    kb = _nested(tmp_path)
    with Repository.open(tmp_path / "visits.sqlite3", kb) as repo:
        patient = repo.create_patient("Robin Ashdown", dt.date(1980, 6, 2), "female")
        visit = repo.create_visit(patient.id, "initial", ["pain"], dt.date(2026, 11, 20))
        repo.save_answer(visit.id, "sitting", "yes")
        on_screen = assess(kb, repo.get_visit(visit.id).observations).leading
        clinician = repo.add_clinician("Alex Morgan", "Physiotherapist", "PH000000")
        repo.sign_visit(visit.id, by=clinician.id)
        stored = repo.get_visit(visit.id)
        listed = repo.list_visits(patient.id)[0].leading_condition  # the patient page's column
    signed = stored.signed_differential
    assert on_screen is not None and signed is not None
    exported = visits_csv(kb, [(patient, stored, signed)], free_text=False).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    letter = leader(signed)
    assert letter is not None
    assert on_screen.name == letter.name == listed == "Tear"
    assert [r["leading_condition"] for r in rows] == ["Tear"]


def test_a_snapshot_signed_before_leaders_were_stored_leads_with_its_first_row() -> None:
    row = {
        "condition_id": "tendon",
        "name": "Tendon problem",
        "urgency": "routine",
        "prior": 0.15,
        "posterior": 0.4,
        "supporting": [],
        "opposing": [],
    }
    old = Differential.from_dict(
        {"kb_version": "1", "conditions": [row], "red_flags": [], "next_tests": []}
    )
    assert old.leaders == () and old.leading is not None
    assert old.leading.condition_id == "tendon"
