"""A visit with every history prompt and examination item of the knowledge base answered.

Values are derived from the knowledge base (never hard-coded clinical content) and pass the
app's own validation, so storage accepts them too.
"""

from __future__ import annotations

from typing import Any

from desktop_app.core.knowledge import KnowledgeBase, Prompt
from desktop_app.core.observations import NO_SIDE, SIDES, Mark, Observations
from desktop_app.core.validation import validate_answer, validate_exam


def _middle(lo: float | None, hi: float | None) -> float:
    low = lo if lo is not None else 0.0
    return round((low + (hi if hi is not None else low + 10)) / 2)


def answer_for(prompt: Prompt, n: int) -> Any:
    """A valid answer; yes/no prompts alternate by position so evidence points both ways."""
    kind = prompt.answer_type
    if kind == "yes_no":
        return "yes" if n % 2 == 0 else "no"
    if kind == "side":
        return "left"
    if kind == "single_choice":
        return prompt.options[0].id
    if kind == "multiple_choice":
        return [o.id for o in prompt.options]
    if kind in ("number", "duration", "scale"):
        return _middle(prompt.minimum, prompt.maximum)
    if kind == "date":
        return "2024-01-15"
    return "Synthetic benchmark answer."


def answers(kb: KnowledgeBase) -> dict[str, Any]:
    """Every prompt of the knowledge base with a validated answer."""
    return {
        pid: validate_answer(kb, pid, answer_for(prompt, n))
        for n, (pid, prompt) in enumerate(kb.prompts.items())
    }


def exam(kb: KnowledgeBase) -> dict[str, dict[str, Any]]:
    """Every examination item, on both sides when sided; binary results alternate."""
    found: dict[str, dict[str, Any]] = {}
    for n, (item_id, item) in enumerate(kb.exam_items.items()):
        sides = SIDES if item.sided else (NO_SIDE,)
        if item.result_type == "binary":
            value: Any = "positive" if n % 2 == 0 else "negative"
        else:
            value = _middle(item.minimum, item.maximum)
        found[item_id] = {side: validate_exam(kb, item_id, side, value) for side in sides}
    return found


def marks(kb: KnowledgeBase) -> tuple[Mark, ...]:
    """One mark per body-chart region, with the first symptom."""
    symptom = kb.body_chart.symptoms[0].id
    return tuple(sorted(Mark(r.id, symptom, "left") for r in kb.body_chart.regions))


def full_observations(kb: KnowledgeBase) -> Observations:
    """All presentations, every prompt and examination item answered, marks on every region."""
    return Observations(tuple(kb.presentations), answers(kb), exam(kb), marks(kb))


def half_observations(kb: KnowledgeBase) -> Observations:
    """Every other prompt and item left unanswered: the next-best-test search has most to do."""
    full = full_observations(kb)
    kept_answers = {k: v for n, (k, v) in enumerate(full.answers.items()) if n % 2 == 0}
    kept_exam = {k: v for n, (k, v) in enumerate(full.exam.items()) if n % 2 == 0}
    return Observations(full.presentations, kept_answers, kept_exam, full.marks)
