"""The plan offers next steps for the leading GROUPS (core.ranking.leaders), not the first rows.

A tiny knowledge base (tests/core/tiny_kb.py) with a nested pair: "Tear" is a child of "Tendon
problem" and carries its group's probability; "Beta" is the second group. The first two rows of
the differential are the parent and its own child, so taking rows would offer the tendon group
twice and leave Beta out.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_editor import TABS
from tests.core.tiny_kb import FILES, write_tiny_kb
from tests.gui.flows import activate, click, create_patient, start_visit


def _condition(cid: str, name: str, prior: float, lr: float, steps: dict[str, Any]) -> dict:
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
        "next_steps": steps,
    }


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    """Sitting pain: Tear 67 % (carries Tendon problem, 41 %), Beta 56 %, the rest no findings."""
    data: dict[str, Any] = copy.deepcopy(FILES)
    conditions = {c["id"]: c for c in data["conditions.yaml"]}
    conditions["beta"]["next_steps"] = {"management": ["Sitting advice"], "source": "src"}
    tendon = _condition(
        "tendon", "Tendon problem", 0.15, 4.0, {"management": ["Tendon loading"], "source": "src"}
    )
    tear = _condition(
        "tear", "Tear", 0.25, 6.0, {"referral": ["Surgeon within a week"], "source": "src"}
    )
    tear["parent"] = "tendon"
    data["conditions.yaml"] += [tendon, tear]
    return load_knowledge_base(write_tiny_kb(tmp_path / "kb", data))


def test_plan_suggestions_come_from_the_two_leading_groups_not_a_parent_and_its_child(
    qtbot: QtBot, window: MainWindow
) -> None:
    create_patient(window, "Plan Tester", QDate(1970, 5, 1))
    start_visit(window, ["pain"])
    activate(qtbot, window)
    editor = window.editor
    click(qtbot, editor.history.rows["sitting"].input.buttons.buttons["yes"])
    rows = [c.condition_id for c in editor.differential.conditions]
    assert rows[:3] == ["tendon", "tear", "beta"]  # the group row, its child, the second group

    editor.tabs.setCurrentIndex(TABS.index("Plan"))
    shown = editor.plan.suggestions.text()
    assert "Surgeon within a week" in shown and "Sitting advice" in shown
    assert "Tendon loading" not in shown  # the parent's steps: the child places the group
    click(qtbot, editor.plan.add_button)

    repo, visit_id = window.ops.repo, editor.visit.id
    qtbot.waitUntil(lambda: "Sitting advice" in repo.get_visit(visit_id).plan)
    assert repo.get_visit(visit_id).plan.splitlines() == [
        "- Tear — referral: Surgeon within a week",
        "- Beta — management: Sitting advice",
    ]
