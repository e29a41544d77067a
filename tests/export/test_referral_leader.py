"""The referral letter is addressed as the LEADER needs (core.ranking.leaders), not the top row.

A tiny knowledge base (tests/core/tiny_kb.py) with a nested pair: "Tear" is a child of "Tendon
problem"; pain on sitting makes Tear carry its group's probability, so the group's row (the top
row of the differential) is the parent while the child leads. The letters are real PDFs, read
back with pypdf.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.core.observations import Observations
from desktop_app.core.referral import DEFAULT_ADDRESSEE, suggested
from desktop_app.reporting import export_visit
from desktop_app.storage.repository import Repository
from tests.core.tiny_kb import FILES, write_tiny_kb
from tests.export.pdf_reading import text

TEAR_REFERRAL = "Orthopaedic surgeon within a week"
TENDON_REFERRAL = "Tendon clinic, routine"
RULE_FIRST = "Same-day orthopaedic review for a suspected tear."


def _condition(cid: str, name: str, prior: float, lr: float, referral: str) -> dict[str, Any]:
    return {
        "id": cid,
        "name": name,
        "description": name,
        "urgency": "routine",
        "priors": {
            "pain": {"value": prior, "estimate": True, "rationale": "test"},
            "dent": {"value": prior, "estimate": True, "rationale": "test"},
        },
        "links": [
            {
                "label": "Pain sitting",
                "when": {"answer": "sitting", "equals": "yes"},
                "lr_pos": lr,
                "estimate": True,
                "rationale": "test",
            }
        ],
        "next_steps": {"referral": [referral], "source": "src"},
    }


@pytest.fixture
def tiny(tmp_path: Path) -> KnowledgeBase:
    """Sitting pain: Tear 67 % carries the Tendon problem group (own 41 %); the urgent rule
    'hot' (fever and a steroid) names Tear."""
    data: dict[str, Any] = copy.deepcopy(FILES)
    tear = _condition("tear", "Tear", 0.25, 6.0, TEAR_REFERRAL)
    tear["parent"] = "tendon"
    tendon = _condition("tendon", "Tendon problem", 0.15, 4.0, TENDON_REFERRAL)
    data["conditions.yaml"] += [tendon, tear]
    hot = next(f for f in data["red_flags.yaml"] if f["id"] == "hot")
    hot["conditions"] = ["tear"]
    hot["action"] = f"{RULE_FIRST} Do not stretch the hamstring until it is seen."
    return load_knowledge_base(write_tiny_kb(tmp_path / "kb", data))


def _letter(
    repo: Repository, kb: KnowledgeBase, answers: dict[str, str], out: Path, *, sign: bool
) -> str:
    """The referral letter of a new visit with these answers, as the PDF reads."""
    patient = repo.create_patient("Robin Ashdown", dt.date(1980, 6, 2), "female")
    visit = repo.create_visit(patient.id, "initial", ["pain"], dt.date(2026, 11, 20))
    for prompt, value in answers.items():
        repo.save_answer(visit.id, prompt, value)
    if sign:
        clinician = repo.add_clinician("Alex Morgan", "Physiotherapist", "PH000000")
        repo.sign_visit(visit.id, by=clinician.id)
    return " ".join(text(export_visit(repo, kb, visit.id, "referral", out)).split())


def test_a_child_that_leads_its_group_addresses_the_signed_letter(
    tmp_path: Path, tiny: KnowledgeBase
) -> None:
    with Repository.open(tmp_path / "visits.sqlite3", tiny) as repo:
        content = _letter(repo, tiny, {"sitting": "yes"}, tmp_path / "referral.pdf", sign=True)
        signed = repo.get_visit(1).signed_differential
    assert signed is not None and signed.conditions[0].condition_id == "tendon"  # the top row
    assert signed.leaders[0] == "tear"
    assert f"To: {TEAR_REFERRAL}" in content
    assert TENDON_REFERRAL not in content
    assert "Findings in keeping with Tear;" in content
    assert "Please assess this patient for Tear," in content
    assert "In favour of Tear. Pain sitting." in content


def test_a_leading_must_exclude_child_addresses_the_letter_as_its_rule_says(
    tmp_path: Path, tiny: KnowledgeBase
) -> None:
    answers = {"sitting": "yes", "fever": "yes", "drug": "steroid"}
    with Repository.open(tmp_path / "visits.sqlite3", tiny) as repo:
        content = _letter(repo, tiny, answers, tmp_path / "referral.pdf", sign=False)
    assert f"To: {RULE_FIRST}" in content  # the rule's urgency and where to send, not the default
    assert DEFAULT_ADDRESSEE not in content and TENDON_REFERRAL not in content
    assert "Red flag: Fever and steroid (urgent)." in content
    assert "Please assess this patient for Tear," in content


def test_a_leader_nothing_supports_is_not_given_as_the_reason(tiny: KnowledgeBase) -> None:
    differential = assess(tiny, Observations(("pain",), {"sitting": "no"}))
    assert differential.conditions and not differential.conditions[0].specific
    letter = suggested(tiny, differential)
    assert letter.addressee == DEFAULT_ADDRESSEE
    assert letter.reason == "I would value your opinion on this patient's symptoms."
    assert "for the cause of the symptoms," in letter.question
