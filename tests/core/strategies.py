"""Hypothesis strategies that draw valid observations from any knowledge base."""

from hypothesis import strategies as st

from desktop_app.core.knowledge import KnowledgeBase, Prompt
from desktop_app.core.observations import NO_SIDE, Mark, Observations


def answer_values(prompt: Prompt) -> st.SearchStrategy:
    """A valid answer to the prompt (or "unknown" for yes/no)."""
    kind = prompt.answer_type
    if kind == "yes_no":
        return st.sampled_from(["yes", "no", "unknown"])
    if kind == "side":
        return st.sampled_from(["left", "right", "both"])
    if kind == "single_choice":
        return st.sampled_from([o.id for o in prompt.options])
    if kind == "multiple_choice":
        ids = [o.id for o in prompt.options]
        return st.lists(st.sampled_from(ids), unique=True).map(lambda v: tuple(sorted(v)))
    if kind in ("number", "duration", "scale"):
        return st.integers(int(prompt.minimum or 0), int(prompt.maximum or 10))
    if kind == "date":
        return st.dates().map(lambda d: d.isoformat())
    return st.text(max_size=20)


@st.composite
def observations(draw: st.DrawFn, kb: KnowledgeBase) -> Observations:
    presentations = tuple(
        draw(
            st.lists(st.sampled_from(sorted(kb.presentations)), min_size=1, max_size=2, unique=True)
        )
    )
    prompts = draw(st.lists(st.sampled_from(sorted(kb.prompts)), unique=True))
    answers = {pid: draw(answer_values(kb.prompts[pid])) for pid in prompts}
    exam = {}
    for item_id in draw(st.lists(st.sampled_from(sorted(kb.exam_items)), unique=True)):
        item = kb.exam_items[item_id]
        sides = ["left", "right"] if item.sided else [NO_SIDE]
        chosen = draw(st.lists(st.sampled_from(sides), min_size=1, unique=True))
        if item.result_type == "binary":
            value = st.sampled_from(["positive", "negative", "inconclusive"])
        else:
            value = st.integers(int(item.minimum or 0), int(item.maximum or 0))
        exam[item_id] = {side: draw(value) for side in chosen}
    regions = [r.id for r in kb.body_chart.regions]
    symptoms = [s.id for s in kb.body_chart.symptoms]
    marks = draw(
        st.lists(
            st.builds(
                Mark,
                st.sampled_from(regions),
                st.sampled_from(symptoms),
                st.sampled_from(["left", "right", "both"]),
            ),
            unique=True,
            max_size=4,
        )
    )
    return Observations(presentations, answers, exam, tuple(sorted(marks)))
