"""The differential at each stage of a visit: 0, 5 and 20 findings and fully answered.

What a clinician waits for after entering a finding: `assess` of the new record, right after
the record without that finding was assessed (the engine remembers what the unchanged findings
gave, core/memo.py, and that memory is emptied before every run so it holds only the previous
state). The first stage, a visit just opened, is timed with no visit remembered; what depends on
the knowledge base alone (the blank record's results) is kept, as in the app.
"""

from __future__ import annotations

import math
import statistics

from bench.full_visit import full_observations
from bench.harness import Context, Goal, Result, interleaved_samples, p95
from desktop_app import paths
from desktop_app.core import memo
from desktop_app.core.diagnosis import assess, prior_for
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.core.observations import Observations

GOAL = Goal(max_value=1.0)
STAGES = (0, 5, 20, None)  # None: every item of the presentation answered
FLOOR_IS = (
    "every link and red-flag predicate evaluated once and the log-odds summed per condition "
    "(no explanations, ranking or next-best-test search)"
)


def bare_update(kb: KnowledgeBase, obs: Observations) -> list[float]:
    """The least a likelihood-ratio update can do: evaluate each link, add its log-LR."""
    log_odds = []
    for condition in kb.conditions.values():
        prior = prior_for(condition, obs.presentations)
        total = math.log(prior / (1 - prior))
        for link in condition.links:
            truth = link.when.evaluate(obs)
            if truth is not None:
                total += math.log(link.lr_pos if truth else link.lr_neg)
        log_odds.append(total)
    for flag in kb.red_flags.values():
        flag.when.evaluate(obs)
    return log_odds


def presentation(kb: KnowledgeBase) -> str:
    """The presentation with the most history prompts (the longest form)."""
    return max(kb.presentations, key=lambda p: len(kb.prompts_for((p,))))


def visit_stage(kb: KnowledgeBase, findings: int | None) -> Observations:
    """The first `findings` items of one presentation's form answered in form order (history
    prompts, then the examination), with valid values from the full benchmark visit."""
    full = full_observations(kb)
    chosen = (presentation(kb),)
    items = [("answer", p.id) for p in kb.prompts_for(chosen) if p.id in full.answers]
    items += [("exam", i.id) for i in kb.exam_items_for(chosen) if i.id in full.exam]
    answers, exam = {}, {}
    for kind, item_id in items if findings is None else items[:findings]:
        if kind == "answer":
            answers[item_id] = full.answers[item_id]
        else:
            exam[item_id] = full.exam[item_id]
    return Observations(chosen, answers, exam, ())


def measure(ctx: Context) -> list[Result]:
    kb = load_knowledge_base(paths.KNOWLEDGE_BASE)
    size = (
        f"Knowledge base {kb.version}: {len(kb.prompts)} prompts, {len(kb.exam_items)} "
        f"examination items, {len(kb.conditions)} conditions, "
        f"{sum(len(c.links) for c in kb.conditions.values())} links; presentation "
        f"'{presentation(kb)}'."
    )
    store = memo.store(kb)
    results = []
    for findings in STAGES:
        obs = visit_stage(kb, findings)
        count = len(obs.answers) + len(obs.exam)
        previous = visit_stage(kb, count - 1) if count else None

        def before(previous: Observations | None = previous) -> None:
            store.clear()
            if previous is not None:
                assess(kb, previous)

        repeats = ctx.repeats(300)
        floor, app = interleaved_samples(
            lambda obs=obs: bare_update(kb, obs),
            lambda obs=obs: assess(kb, obs),
            repeats,
            before_app=before,
        )
        label = "fully answered" if findings is None else f"{findings} findings"
        after = "no visit remembered" if previous is None else "after the previous finding"
        results.append(
            Result(
                f"Differential, {label} ({count} recorded)",
                "ms",
                repeats,
                GOAL,
                statistics.median(app),
                statistics.median(floor),
                FLOOR_IS,
                f"{size} Timed {after}.",
                series="Differential by stage of a visit",
                size=label,
                p95=p95(app),
            )
        )
    return results
