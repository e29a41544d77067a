"""The plan tab: next steps of the leaders; usual practice is told apart from cited steps."""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Observations
from desktop_app.gui.plan_form import PlanForm


def test_usual_practice_steps_are_labelled_and_cited_ones_name_their_source(
    qtbot: QtBot, kb: KnowledgeBase
) -> None:
    def has_steps(cid: str) -> bool:
        steps = kb.conditions[cid].next_steps
        return bool(steps.imaging or steps.referral or steps.management)

    usual = next(c for c in kb.conditions if has_steps(c) and kb.conditions[c].next_steps.estimate)
    cited = next(
        c
        for c in kb.conditions
        if has_steps(c)
        and not kb.conditions[c].next_steps.estimate
        and kb.conditions[c].next_steps.source in kb.sources
    )
    differential = assess(kb, Observations(("gluteal_depression", "buttock_pain")))
    by_id = {c.condition_id: c for c in differential.conditions}
    leading = replace(differential, conditions=(by_id[usual], by_id[cited]), leaders=(usual, cited))
    plan = PlanForm(kb)
    qtbot.addWidget(plan)
    plan.show_suggestions(leading)

    shown = plan.suggestions.text()
    usual_part, cited_part = shown.split(kb.conditions[cited].name)
    steps = kb.conditions[usual].next_steps
    first = (steps.management or steps.referral or steps.imaging)[0]
    assert "Usual practice, not cited" in usual_part and "(usual practice)" in usual_part
    assert "usual practice" not in cited_part.lower()
    assert kb.sources[kb.conditions[cited].next_steps.source].citation.split()[0] in cited_part

    plan.add_button.click()
    lines = plan.edit.toPlainText().splitlines()
    assert any("(usual practice)" in line and first in line for line in lines)
    assert all("usual practice" not in line for line in lines if kb.conditions[cited].name in line)
