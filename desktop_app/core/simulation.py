"""The results the next best test simulates: which items are unrecorded, what each could give.

Possible results: yes/no; each option of a choice; left/right/both; positive/negative; for numbers
(temperature, hours, MRC grade) one value per band between the thresholds any rule, link or
modifier compares it with. Dates and free text are never proposed.
"""

from __future__ import annotations

from typing import Any

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.memo import store
from desktop_app.core.observations import NO_SIDE, Observations

UNPROPOSED_TYPES = ("date", "text")

Candidate = tuple[str, str, str]  # kind, id, name
Ref = tuple[str, str]  # kind, id
Outcome = tuple[Any, str]  # value, label


def candidates(kb: KnowledgeBase, obs: Observations) -> list[Candidate]:
    """Unrecorded, shown prompts and untested exam items of the visit's presentations."""
    presentations = obs.presentations or tuple(kb.presentations)
    static = store(kb).static
    key = ("asked", presentations)
    asked = static.get(key)
    if asked is None:
        prompts = [
            (p.id, p.question, p.show_when)  # never retired (prompts_for): shown when it holds
            for p in kb.prompts_for(presentations)
            if p.answer_type not in UNPROPOSED_TYPES
        ]
        asked = static[key] = (prompts, [(i.id, i.name) for i in kb.exam_items_for(presentations)])
    answers, exam = obs.answers, obs.exam
    found: list[Candidate] = [
        ("answer", pid, question)
        for pid, question, when in asked[0]
        if pid not in answers and (when is None or when.evaluate(obs) is True)
    ]
    found += [("exam", iid, name) for iid, name in asked[1] if not exam.get(iid)]
    return found


def outcomes(kb: KnowledgeBase, kind: str, item_id: str) -> list[Outcome]:
    """The distinct results worth simulating for one item (module docstring)."""
    return list(results_of(kb, kind, item_id))


def results_of(kb: KnowledgeBase, kind: str, item_id: str) -> tuple[Outcome, ...]:
    """`outcomes`, worked out once per knowledge base (do not change the tuple)."""
    static = store(kb).static
    key = ("outcomes", kind, item_id)
    found = static.get(key)
    if found is None:
        found = static[key] = tuple(_simulated(kb, kind, item_id))
    return found


def _simulated(kb: KnowledgeBase, kind: str, item_id: str) -> list[Outcome]:
    if kind == "exam":
        item = kb.exam_items[item_id]
        if item.result_type == "binary":
            return [("positive", "positive"), ("negative", "negative")]
        return _bands(kb.thresholds.get((kind, item_id), ()), item.minimum, item.unit)
    prompt = kb.prompts[item_id]
    kind_ = prompt.answer_type
    if kind_ == "yes_no":
        return [("yes", "yes"), ("no", "no")]
    if kind_ == "side":
        return [(s, s) for s in ("left", "right", "both")]
    if kind_ == "single_choice":
        return [(o.id, o.label) for o in prompt.options]
    if kind_ == "multiple_choice":
        return [((o.id,), o.label) for o in prompt.options]
    minimum = 0.0 if kind_ == "scale" else prompt.minimum
    return _bands(kb.thresholds.get(("answer", item_id), ()), minimum, prompt.unit)


def _bands(thresholds: tuple[float, ...], minimum: float | None, unit: str) -> list[Outcome]:
    """One value per band: below the first threshold, then from each threshold up."""
    if not thresholds:
        return []
    unit = f" {unit}" if unit else ""
    low = minimum if minimum is not None and minimum < thresholds[0] else thresholds[0] - 1
    bands: list[Outcome] = [(low, f"below {thresholds[0]:g}{unit}")]
    for n, t in enumerate(thresholds):
        upper = f" to below {thresholds[n + 1]:g}" if n + 1 < len(thresholds) else " or more"
        bands.append((t, f"{t:g}{upper}{unit}"))
    return bands


def hypothetical(
    kb: KnowledgeBase, obs: Observations, kind: str, item_id: str, value: Any
) -> Observations:
    """The record with one more result for an unrecorded item (an exam item on the left when
    sided); the other items' mappings are shared with `obs`, not copied."""
    if kind == "answer":
        return Observations(obs.presentations, {**obs.answers, item_id: value}, obs.exam, obs.marks)
    side = "left" if kb.exam_items[item_id].sided else NO_SIDE
    exam = {**obs.exam, item_id: {side: value}}
    return Observations(obs.presentations, obs.answers, exam, obs.marks)


def alone(kb: KnowledgeBase, ref: Ref) -> tuple[Observations, ...]:
    """A record of only that result, for each result of `ref` (see Predicate.changed)."""
    static = store(kb).static
    key = ("alone", ref)
    found = static.get(key)
    if found is None:
        blank = Observations()
        values = [value for value, _ in results_of(kb, *ref)]
        found = static[key] = tuple(hypothetical(kb, blank, *ref, v) for v in values)
    return found
