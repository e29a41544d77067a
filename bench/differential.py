"""The differential for a visit with every prompt and test answered (and half answered)."""

from __future__ import annotations

import math

from bench.full_visit import full_observations, half_observations
from bench.harness import Context, Goal, Result, interleaved_medians
from desktop_app import paths
from desktop_app.core.diagnosis import assess, prior_for
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.core.observations import Observations

GOAL = Goal(max_value=1.0)
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


def measure(ctx: Context) -> list[Result]:
    """Median of assess() beside the bare update, for a full and a half-answered visit."""
    kb = load_knowledge_base(paths.KNOWLEDGE_BASE)
    size = (
        f"Knowledge base {kb.version}: {len(kb.prompts)} prompts, {len(kb.exam_items)} "
        f"examination items, {len(kb.conditions)} conditions, "
        f"{sum(len(c.links) for c in kb.conditions.values())} links."
    )
    results = []
    cases = (
        ("Differential, every item answered", full_observations(kb), size),
        (
            "Differential, half answered",
            half_observations(kb),
            "Not in the issue: the next-best-test search has the most candidates to simulate.",
        ),
    )
    for name, obs, note in cases:
        repeats = ctx.repeats(300)
        floor, app = interleaved_medians(
            lambda obs=obs: bare_update(kb, obs), lambda obs=obs: assess(kb, obs), repeats
        )
        results.append(Result(name, "ms", repeats, GOAL, app, floor, FLOOR_IS, note))
    return results
