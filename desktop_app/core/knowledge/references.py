"""Cross-reference checks: every ID a knowledge-base entry names must exist and fit its use.

Every problem is collected, not only the first, so one `kb check` lists all that needs fixing.
"""

from __future__ import annotations

from desktop_app.core.errors import KnowledgeBaseError, KnowledgeBaseProblems
from desktop_app.core.knowledge.model import RENAMED_KINDS, Condition, KnowledgeBase
from desktop_app.core.predicates import AnswerIs, ExamIs, Predicate


class _Problems:
    def __init__(self) -> None:
        self.found: list[KnowledgeBaseError] = []

    def add(self, file: str, entry: str, reason: str) -> None:
        self.found.append(KnowledgeBaseError(file, entry, reason))


def check_references(kb: KnowledgeBase) -> None:
    """Raise KnowledgeBaseProblems listing every dangling or ill-typed reference."""
    problems = reference_problems(kb)
    if problems:
        raise KnowledgeBaseProblems(problems)


def reference_problems(kb: KnowledgeBase) -> list[KnowledgeBaseError]:
    """Every dangling or ill-typed reference, in file order."""
    out = _Problems()
    for p in kb.presentations.values():
        for pid in p.prompts:
            if pid not in kb.prompts:
                out.add("presentations.yaml", p.id, f"unknown prompt '{pid}'")
        for iid in p.exam_items:
            if iid not in kb.exam_items:
                out.add("presentations.yaml", p.id, f"unknown exam item '{iid}'")
    for prompt in kb.prompts.values():
        if prompt.show_when is not None:
            _check_predicate(
                kb, out, prompt.show_when, "prompts.yaml", prompt.id, retired_ok=prompt.retired
            )
    for item in kb.exam_items.values():
        for acc in item.accuracy:
            _source(kb, out, acc.source, "exam_items.yaml", item.id)
            if acc.target not in kb.conditions:
                out.add(
                    "exam_items.yaml", item.id, f"accuracy target '{acc.target}' is not a condition"
                )
    for c in kb.conditions.values():
        _check_condition(kb, out, c)
    for flag in kb.red_flags.values():
        _source(kb, out, flag.source, "red_flags.yaml", flag.id)
        _check_predicate(kb, out, flag.when, "red_flags.yaml", flag.id)
        if flag.safety_net_when is not None:
            where = f"{flag.id} > safety_net_when"
            _check_predicate(kb, out, flag.safety_net_when, "red_flags.yaml", where)
        for cid in flag.conditions:
            if cid not in kb.conditions:
                out.add("red_flags.yaml", flag.id, f"unknown condition '{cid}'")
        for sid in flag.screen:
            kind = "answer" if sid in kb.prompts else "exam" if sid in kb.exam_items else None
            if kind is None:
                out.add("red_flags.yaml", flag.id, f"screen: '{sid}' is not a prompt or exam item")
            elif sid in kb.prompts and sid in kb.exam_items:
                out.add("red_flags.yaml", flag.id, f"screen: '{sid}' is both a prompt and an item")
            elif kb.is_retired(kind, sid):
                out.add("red_flags.yaml", flag.id, f"screen: '{sid}' is retired")
    for m in kb.measures.values():
        _source(kb, out, m.mcid.source, "measures.yaml", m.id)
        _source(kb, out, m.source, "measures.yaml", m.id)
        if m.suited_for is not None:
            _source(kb, out, m.suited_for.source, "measures.yaml", m.id)
            for cid in m.suited_for.conditions:
                if cid not in kb.conditions:
                    out.add("measures.yaml", m.id, f"suited_for: unknown condition '{cid}'")
    _check_renamed(kb, out)
    return out.found


def _check_renamed(kb: KnowledgeBase, out: _Problems) -> None:
    """A renamed ID points at an entry that exists, and the old ID is no longer used."""
    tables: dict[str, set[str]] = {
        "prompts": set(kb.prompts),
        "exam_items": set(kb.exam_items),
        "conditions": set(kb.conditions),
    }
    for section in RENAMED_KINDS:
        for old, new in kb.renamed.get(section, {}).items():
            where = f"renamed > {section} > {old}"
            if new not in tables[section]:
                out.add("manifest.yaml", where, f"'{new}' is not in {section}.yaml")
            if old in tables[section]:
                out.add("manifest.yaml", where, f"'{old}' still exists: retire it instead")


def _check_condition(kb: KnowledgeBase, out: _Problems, c: Condition) -> None:
    for pid, prior in c.priors.items():
        if pid not in kb.presentations:
            out.add("conditions.yaml", c.id, f"prior for unknown '{pid}'")
        _source(kb, out, prior.source, "conditions.yaml", c.id)
    missing = set(kb.presentations) - set(c.priors)
    if missing:
        out.add(
            "conditions.yaml", c.id, f"no prior for presentation(s) {', '.join(sorted(missing))}"
        )
    for n, link in enumerate(c.links, start=1):
        where = f"{c.id} > link {n}"
        _source(kb, out, link.source, "conditions.yaml", where)
        _check_predicate(kb, out, link.when, "conditions.yaml", where)
    for n, modifier in enumerate(c.prior_modifiers, start=1):
        where = f"{c.id} > prior modifier {n}"
        _source(kb, out, modifier.source, "conditions.yaml", where)
        _check_predicate(kb, out, modifier.when, "conditions.yaml", where)
    _source(kb, out, c.next_steps.source, "conditions.yaml", c.id)
    _check_parent(kb, out, c)


def _check_parent(kb: KnowledgeBase, out: _Problems, c: Condition) -> None:
    """A parent exists, is not the condition itself, and nesting is one level deep (no cycles)."""
    if c.parent is None:
        return
    parent = kb.conditions.get(c.parent)
    if parent is None:
        out.add("conditions.yaml", c.id, f"parent '{c.parent}' is not a condition")
    elif parent.id == c.id:
        out.add("conditions.yaml", c.id, "a condition cannot be its own parent")
    elif parent.parent is not None:
        seen: set[str] = {c.id}
        node: Condition | None = parent
        while node is not None and node.id not in seen:
            seen.add(node.id)
            node = kb.conditions.get(node.parent) if node.parent else None
        if node is not None:
            out.add(
                "conditions.yaml",
                c.id,
                f"parent '{c.parent}': the chain of parents loops (a cycle)",
            )
        else:
            out.add(
                "conditions.yaml",
                c.id,
                f"parent '{c.parent}' has a parent of its own ('{parent.parent}'): "
                "nesting is one level deep",
            )


def _source(kb: KnowledgeBase, out: _Problems, source: str | None, file: str, entry: str) -> None:
    if source is not None and source not in kb.sources:
        out.add(file, entry, f"unknown source '{source}' (add it to sources.yaml)")


def _check_predicate(
    kb: KnowledgeBase,
    out: _Problems,
    pred: Predicate,
    file: str,
    entry: str,
    retired_ok: bool = False,
) -> None:
    """IDs exist and fit; only a retired prompt's own show-when may read other retired items."""
    known = True
    for kind, item_id in pred.references():
        if kind == "answer" and item_id not in kb.prompts:
            out.add(file, entry, f"unknown prompt '{item_id}'")
            known = False
        elif kind == "exam" and item_id not in kb.exam_items:
            out.add(file, entry, f"unknown exam item '{item_id}'")
            known = False
        elif kb.is_retired(kind, item_id) and not retired_ok:
            what = "prompt" if kind == "answer" else "exam item"
            out.add(file, entry, f"{what} '{item_id}' is retired: it is never asked or counted")
    if known:
        _check_operands(kb, out, pred, file, entry)
    regions = {r.id for r in kb.body_chart.regions}
    symptoms = {s.id for s in kb.body_chart.symptoms}
    for mark in pred.marks():
        if mark.symptom not in symptoms:
            out.add(file, entry, f"unknown body-chart symptom '{mark.symptom}'")
        for region in mark.regions:
            if region not in regions:
                out.add(file, entry, f"unknown body-chart region '{region}'")


def _check_operands(
    kb: KnowledgeBase, out: _Problems, pred: Predicate, file: str, entry: str
) -> None:
    """Options named in a condition must exist on the prompt; exam ops must fit the result type."""
    for node in _leaves(pred):
        if isinstance(node, AnswerIs):
            prompt = kb.prompts[node.prompt_id]
            allowed = _allowed_values(prompt.answer_type, [o.id for o in prompt.options])
            if allowed is not None and node.op in ("equals", "in", "includes"):
                values = node.operand if node.op == "in" else (node.operand,)
                for v in values:
                    if v not in allowed:
                        out.add(file, entry, f"'{v}' is not an answer to prompt '{prompt.id}'")
        elif isinstance(node, ExamIs):
            item = kb.exam_items[node.item_id]
            if (node.op == "is") != (item.result_type == "binary"):
                out.add(
                    file, entry, f"'{node.op}' does not fit {item.result_type} item '{item.id}'"
                )
            if node.op == "is" and node.operand not in ("positive", "negative"):
                out.add(file, entry, "'is' takes positive or negative")


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
