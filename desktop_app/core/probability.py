"""Odds arithmetic and the limits on what a displayed probability may claim.

The likelihood ratios are mostly estimates or come from small, often case-control studies, and
multiplying them assumes findings independent given the condition, which correlated clinical
signs are not. Stacked findings therefore reach 99.9 % or 0.01 % on paper while the evidence
supports nothing so sharp. Every probability shown (panel, PDF, command line) is held between
DISPLAY_FLOOR and DISPLAY_CEILING; the uncapped value is kept (`raw_posterior`) for ranking.

- DISPLAY_CEILING = 0.95: the best-validated single findings in this knowledge base give post-test
  probabilities in the 80-90 % range in their source populations (see clinical-evidence.md); a
  figure above 95 % would be a product of estimates, not a measurement. 95 % still reads as
  "very likely", and no condition is ever shown as certain ("100 %").
- DISPLAY_FLOOR = 0.01: findings can argue a condition down, but no combination of these tests
  has been shown to exclude a condition below about 1 %; shown as "<1%" only when its pre-test
  probability was already lower (a rare serious condition is not lifted by the floor).

Both figures are estimates (a display policy, not a clinical measurement) and apply to every
condition alike.
"""

from __future__ import annotations

import math

DISPLAY_CEILING = 0.95
DISPLAY_FLOOR = 0.01


def log_odds(p: float) -> float:
    return math.log(p / (1 - p))


def probability(log_odds_value: float) -> float:
    if log_odds_value > 700:
        return 1.0
    if log_odds_value < -700:
        return 0.0
    return 1 - 1 / (1 + math.exp(log_odds_value))


def displayed(raw: float, prior: float) -> float:
    """The probability the evidence can support: raw, held within the floor and the ceiling.

    The limits never move a condition across its own pre-test probability: a prior below the
    floor stays a valid lower bound, a prior above the ceiling a valid upper one.
    """
    low = min(DISPLAY_FLOOR, prior)
    high = max(DISPLAY_CEILING, prior)
    return min(max(raw, low), high)


def format_probability(p: float) -> str:
    """A percentage that never claims more certainty than the evidence gives (never "100%")."""
    if p < DISPLAY_FLOOR:
        return "<1%"
    return f"{min(p, DISPLAY_CEILING):.0%}"
