"""An answer the screen hides and the engine ignores is not printed either: one visibility rule."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.visibility import displayed
from desktop_app.export import write_pdf
from tests.export import builders
from tests.export.pdf_reading import text


def _with_answers(kb: KnowledgeBase, **answers: object) -> builders.VisitBundle:
    bundle = builders.bundle(kb, visits=1)
    obs = bundle.visit.observations
    visit = replace(bundle.visit, observations=replace(obs, answers={**obs.answers, **answers}))
    return builders.with_visits(bundle, visit, [visit])


def test_an_answer_hidden_by_its_show_when_rule_is_not_printed(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    drug = kb.prompts["injection_drug"]
    steroid = next(o for o in drug.options if o.id == "corticosteroid")
    assert drug.show_when is not None  # shown only after "injection: yes"
    # The clinician answered the drug, then changed "injection" to no: the drug answer is kept
    # in storage but hidden on screen and ignored by the engine.
    bundle = _with_answers(kb, injection_history="no", injection_drug=steroid.id)
    assert "injection_drug" not in displayed(kb, bundle.visit.observations).answers
    for kind in ("history", "summary"):
        content = text(write_pdf(kind, bundle, tmp_path / f"{kind}.pdf"))
        assert kb.prompts["injection_history"].question in content
        assert drug.question not in content, kind
        assert steroid.label not in content, kind

    shown = _with_answers(kb, injection_history="yes", injection_drug=steroid.id)
    content = text(write_pdf("history", shown, tmp_path / "shown.pdf"))
    assert drug.question in content and steroid.label in content
