"""Cross-reference checks: every ID a knowledge-base entry names must exist and fit its use."""

from __future__ import annotations

from desktop_app.core.errors import KnowledgeBaseError
from desktop_app.core.knowledge_base import KnowledgeBase
from desktop_app.core.predicates import AnswerIs, ExamIs, Predicate


def check_references(kb: KnowledgeBase) -> None:
    """Raise KnowledgeBaseError naming the first dangling or ill-typed reference."""
    for p in kb.presentations.values():
        for pid in p.prompts:
            if pid not in kb.prompts:
                raise KnowledgeBaseError("presentations.yaml", p.id, f"unknown prompt '{pid}'")
        for iid in p.exam_items:
            if iid not in kb.exam_items:
                raise KnowledgeBaseError("presentations.yaml", p.id, f"unknown exam item '{iid}'")
    for prompt in kb.prompts.values():
        if prompt.show_when is not None:
            _check_predicate(kb, prompt.show_when, "prompts.yaml", prompt.id)
    for item in kb.exam_items.values():
        for acc in item.accuracy:
            _source(kb, acc.source, "exam_items.yaml", item.id)
            if acc.target not in kb.conditions:
                raise KnowledgeBaseError(
                    "exam_items.yaml", item.id, f"accuracy target '{acc.target}' is not a condition"
                )
    for c in kb.conditions.values():
        for pid, prior in c.priors.items():
            if pid not in kb.presentations:
                raise KnowledgeBaseError("conditions.yaml", c.id, f"prior for unknown '{pid}'")
            _source(kb, prior.source, "conditions.yaml", c.id)
        missing = set(kb.presentations) - set(c.priors)
        if missing:
            raise KnowledgeBaseError(
                "conditions.yaml",
                c.id,
                f"no prior for presentation(s) {', '.join(sorted(missing))}",
            )
        for n, link in enumerate(c.links, start=1):
            where = f"{c.id} > link {n}"
            _source(kb, link.source, "conditions.yaml", where)
            _check_predicate(kb, link.when, "conditions.yaml", where)
        _source(kb, c.next_steps.source, "conditions.yaml", c.id)
    for flag in kb.red_flags.values():
        _source(kb, flag.source, "red_flags.yaml", flag.id)
        _check_predicate(kb, flag.when, "red_flags.yaml", flag.id)
        for cid in flag.conditions:
            if cid not in kb.conditions:
                raise KnowledgeBaseError("red_flags.yaml", flag.id, f"unknown condition '{cid}'")
    for m in kb.measures.values():
        _source(kb, m.mcid.source, "measures.yaml", m.id)
        _source(kb, m.source, "measures.yaml", m.id)


def _source(kb: KnowledgeBase, source: str | None, file: str, entry: str) -> None:
    if source is not None and source not in kb.sources:
        raise KnowledgeBaseError(file, entry, f"unknown source '{source}' (add it to sources.yaml)")


def _check_predicate(kb: KnowledgeBase, pred: Predicate, file: str, entry: str) -> None:
    for kind, item_id in pred.references():
        if kind == "answer" and item_id not in kb.prompts:
            raise KnowledgeBaseError(file, entry, f"unknown prompt '{item_id}'")
        if kind == "exam" and item_id not in kb.exam_items:
            raise KnowledgeBaseError(file, entry, f"unknown exam item '{item_id}'")
    _check_operands(kb, pred, file, entry)
    regions = {r.id for r in kb.body_chart.regions}
    symptoms = {s.id for s in kb.body_chart.symptoms}
    for mark in pred.marks():
        if mark.symptom not in symptoms:
            raise KnowledgeBaseError(file, entry, f"unknown body-chart symptom '{mark.symptom}'")
        for region in mark.regions:
            if region not in regions:
                raise KnowledgeBaseError(file, entry, f"unknown body-chart region '{region}'")


def _check_operands(kb: KnowledgeBase, pred: Predicate, file: str, entry: str) -> None:
    """Options named in a condition must exist on the prompt; exam ops must fit the result type."""
    for node in _leaves(pred):
        if isinstance(node, AnswerIs):
            prompt = kb.prompts[node.prompt_id]
            allowed = _allowed_values(prompt.answer_type, [o.id for o in prompt.options])
            if allowed is not None and node.op in ("equals", "in", "includes"):
                values = node.operand if node.op == "in" else (node.operand,)
                for v in values:
                    if v not in allowed:
                        raise KnowledgeBaseError(
                            file, entry, f"'{v}' is not an answer to prompt '{prompt.id}'"
                        )
        elif isinstance(node, ExamIs):
            item = kb.exam_items[node.item_id]
            if (node.op == "is") != (item.result_type == "binary"):
                raise KnowledgeBaseError(
                    file, entry, f"'{node.op}' does not fit {item.result_type} item '{item.id}'"
                )
            if node.op == "is" and node.operand not in ("positive", "negative"):
                raise KnowledgeBaseError(file, entry, "'is' takes positive or negative")


def _allowed_values(answer_type: str, options: list[str]) -> set[str] | None:
    if answer_type == "yes_no":
        return {"yes", "no"}
    if answer_type == "side":
        return {"left", "right", "both"}
    if answer_type in ("single_choice", "multiple_choice"):
        return set(options)
    return None


def _leaves(pred: Predicate) -> list[Predicate]:
    parts = getattr(pred, "parts", None)
    if parts is not None:
        return [leaf for p in parts for leaf in _leaves(p)]
    inner = getattr(pred, "part", None)
    if inner is not None:
        return _leaves(inner)
    return [pred]
