"""The clinical knowledge base as frozen, typed objects (built by knowledge.loader).

Every figure carries either a ``source`` (an ID in sources.yaml, which holds the full citation and
how far it was verified) or ``estimate: true`` with a rationale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from desktop_app.core.predicates import AnswerIs, ExamIs, Predicate, leaves

ANSWER_TYPES = (
    "yes_no",  # yes / no / unknown
    "single_choice",
    "multiple_choice",
    "number",  # with unit and valid range
    "scale",  # 0-10
    "date",
    "duration",  # a number in the prompt's unit (minutes, weeks ...)
    "side",  # left / right / both
    "text",
)
RESULT_TYPES = ("binary", "measurement")
URGENCIES = ("emergency", "urgent", "routine")
VERIFICATION = ("verified", "secondary", "recalled", "seed")
# manifest `renamed:` sections and the kind each maps (predicates' "answer"/"exam" for items)
RENAMED_KINDS = {"prompts": "answer", "exam_items": "exam", "conditions": "condition"}


@dataclass(frozen=True)
class Source:
    id: str
    citation: str
    verification: str  # verified [V], secondary [S], recalled [M], seed text
    url: str = ""


@dataclass(frozen=True)
class Figure:
    """A number with provenance: a source ID, or an estimate with its rationale."""

    value: float
    source: str | None = None
    estimate: bool = False
    rationale: str = ""


@dataclass(frozen=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True)
class Prompt:
    id: str
    topic: str
    question: str
    answer_type: str
    help: str = ""
    options: tuple[Option, ...] = ()
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    show_when: Predicate | None = None
    retired: bool = False  # kept so old visits render; never asked, proposed or counted


@dataclass(frozen=True)
class Accuracy:
    """Published accuracy of an examination item for one target condition."""

    target: str
    source: str
    sensitivity: float | None = None
    specificity: float | None = None
    lr_pos: float | None = None
    lr_neg: float | None = None
    reference_standard: str = ""
    note: str = ""


@dataclass(frozen=True)
class ExamItem:
    id: str
    name: str
    region: str
    sided: bool
    how_to: str
    positive: str
    result_type: str = "binary"
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    accuracy: tuple[Accuracy, ...] = ()
    retired: bool = False  # kept so old visits render; never offered, proposed or counted


@dataclass(frozen=True)
class Presentation:
    id: str
    name: str
    description: str
    prompts: tuple[str, ...]
    exam_items: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    """One finding's weight for one condition.

    ``lr_pos`` applies when the finding is present, ``lr_neg`` when it is absent; an unknown finding
    changes nothing. Links sharing a ``group`` are correlated (SLR and slump, a test and its
    cluster): only the most informative recorded one counts, so their LRs are never multiplied.
    """

    label: str
    when: Predicate
    lr_pos: float = 1.0
    lr_neg: float = 1.0
    source: str | None = None
    estimate: bool = False
    rationale: str = ""
    group: str | None = None


@dataclass(frozen=True)
class NextSteps:
    imaging: tuple[str, ...] = ()
    referral: tuple[str, ...] = ()
    management: tuple[str, ...] = ()
    source: str | None = None
    estimate: bool = False  # usual practice rather than a cited recommendation
    rationale: str = ""


@dataclass(frozen=True)
class PriorModifier:
    """Context that changes a condition's pre-test odds (age band, sex, pain site).

    The prior odds are multiplied by ``odds_ratio`` when ``when`` is True; False or unknown
    changes nothing (an unrecorded age is not evidence of youth).
    """

    when: Predicate
    odds_ratio: float
    source: str | None = None
    estimate: bool = False
    rationale: str = ""


@dataclass(frozen=True)
class Condition:
    id: str
    name: str
    description: str
    urgency: str
    priors: dict[str, Figure]
    links: tuple[Link, ...]
    next_steps: NextSteps = field(default_factory=NextSteps)
    parent: str | None = None  # a nested diagnosis refines its parent (one level only)
    prior_modifiers: tuple[PriorModifier, ...] = ()


@dataclass(frozen=True)
class RedFlag:
    id: str
    name: str
    urgency: str
    when: Predicate
    action: str
    source: str | None = None
    estimate: bool = False
    rationale: str = ""
    conditions: tuple[str, ...] = ()
    screen: tuple[str, ...] = ()  # prompt or exam IDs that must be answered to count as screened
    safety_net: str = ""  # plain-language advice for the patient
    safety_net_when: Predicate | None = None  # who gets the advice even when the flag is quiet


@dataclass(frozen=True)
class MeasureItem:
    id: str
    text: str
    minimum: float
    maximum: float
    anchors: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MeasureFit:
    """The conditions an outcome measure suits (every condition for a generic one), and why."""

    conditions: tuple[str, ...] = ()
    every_condition: bool = False
    source: str | None = None
    estimate: bool = False
    rationale: str = ""


@dataclass(frozen=True)
class Measure:
    """An outcome measure.

    ``scoring`` is ``sum`` or ``mean`` of the item responses, or ``total_only`` where the licence
    does not allow the items to be embedded and the clinician enters the total from paper.
    ``patient_specific`` items (PSFS) are activities named by the patient at the first visit.
    """

    id: str
    name: str
    scoring: str
    minimum: float
    maximum: float
    higher_is_better: bool
    mcid: Figure
    licence: str
    items: tuple[MeasureItem, ...] = ()
    patient_specific: bool = False
    max_items: int = 0
    instructions: str = ""
    source: str | None = None
    suited_for: MeasureFit | None = None


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    views: tuple[str, ...]


@dataclass(frozen=True)
class BodyChart:
    regions: tuple[Region, ...]
    symptoms: tuple[Option, ...]
    qualities: tuple[Option, ...] = ()  # how a marked region's symptoms feel


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    title: str
    sources: dict[str, Source]
    presentations: dict[str, Presentation]
    prompts: dict[str, Prompt]
    exam_items: dict[str, ExamItem]
    conditions: dict[str, Condition]
    red_flags: dict[str, RedFlag]
    measures: dict[str, Measure]
    body_chart: BodyChart
    fingerprint: str = ""
    # manifest `renamed:`: section -> {old ID: current ID}, so visits stored under an old ID render
    renamed: dict[str, dict[str, str]] = field(default_factory=dict)

    def current_id(self, kind: str, old_id: str) -> str:
        """The ID an entry has now: `kind` is "answer", "exam" or "condition"."""
        section = next(k for k, v in RENAMED_KINDS.items() if v == kind)
        return self.renamed.get(section, {}).get(old_id, old_id)

    def prompts_for(self, presentations: tuple[str, ...] | list[str]) -> list[Prompt]:
        """The history prompts of the chosen presentations, in order, each once; never retired."""
        prompts = (self.prompts[i] for i in self._union(presentations, "prompts"))
        return [p for p in prompts if not p.retired]

    def exam_items_for(self, presentations: tuple[str, ...] | list[str]) -> list[ExamItem]:
        items = (self.exam_items[i] for i in self._union(presentations, "exam_items"))
        return [i for i in items if not i.retired]

    def is_retired(self, kind: str, item_id: str) -> bool:
        """True for a retired prompt ("answer") or exam item ("exam"), or an unknown ID."""
        entry = (self.prompts if kind == "answer" else self.exam_items).get(item_id)
        return entry is None or entry.retired

    def children_of(self, condition_id: str) -> list[Condition]:
        """The nested diagnoses that refine a condition, in knowledge-base order."""
        return [c for c in self.conditions.values() if c.parent == condition_id]

    def _union(self, presentations: tuple[str, ...] | list[str], attr: str) -> list[str]:
        seen: dict[str, None] = {}
        for pid in presentations:
            for item in getattr(self.presentations[pid], attr):
                seen.setdefault(item)
        return list(seen)

    @cached_property
    def links_by_item(self) -> dict[tuple[str, str], list[tuple[str, int]]]:
        """(kind, id) of a prompt or exam item -> the (condition, link index) that read it."""
        index: dict[tuple[str, str], list[tuple[str, int]]] = {}
        for condition in self.conditions.values():
            for n, link in enumerate(condition.links):
                for ref in set(link.when.references()):
                    index.setdefault(ref, []).append((condition.id, n))
        return index

    @cached_property
    def conditions_by_item(self) -> dict[tuple[str, str], frozenset[str]]:
        """(kind, id) -> the conditions whose links or prior modifiers read it."""
        index: dict[tuple[str, str], set[str]] = {}
        for condition in self.conditions.values():
            preds = [link.when for link in condition.links]
            preds += [m.when for m in condition.prior_modifiers]
            for pred in preds:
                for ref in pred.references():
                    index.setdefault(ref, set()).add(condition.id)
        return {ref: frozenset(ids) for ref, ids in index.items()}

    @cached_property
    def modifiers_by_item(self) -> dict[tuple[str, str], frozenset[str]]:
        """(kind, id) -> the conditions whose prior modifiers read it."""
        index: dict[tuple[str, str], set[str]] = {}
        for condition in self.conditions.values():
            for modifier in condition.prior_modifiers:
                for ref in modifier.when.references():
                    index.setdefault(ref, set()).add(condition.id)
        return {ref: frozenset(ids) for ref, ids in index.items()}

    @cached_property
    def flags_by_item(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """(kind, id) -> the red flags whose rule reads it, in knowledge-base order."""
        index: dict[tuple[str, str], dict[str, None]] = {}
        for flag in self.red_flags.values():
            for ref in flag.when.references():
                index.setdefault(ref, {})[flag.id] = None
        return {ref: tuple(ids) for ref, ids in index.items()}

    @cached_property
    def thresholds(self) -> dict[tuple[str, str], tuple[float, ...]]:
        """(kind, id) -> every number a rule, link or modifier compares it with, ascending."""
        preds: list[Predicate] = [f.when for f in self.red_flags.values()]
        preds += [f.safety_net_when for f in self.red_flags.values() if f.safety_net_when]
        for c in self.conditions.values():
            preds += [link.when for link in c.links] + [m.when for m in c.prior_modifiers]
        found: dict[tuple[str, str], set[float]] = {}
        for pred in preds:
            for leaf in leaves(pred):
                if isinstance(leaf, AnswerIs) and leaf.op in ("at_least", "below"):
                    ref = ("answer", leaf.prompt_id)
                elif isinstance(leaf, ExamIs) and leaf.op in ("at_least", "below"):
                    ref = ("exam", leaf.item_id)
                else:
                    continue
                found.setdefault(ref, set()).add(float(leaf.operand))
        return {ref: tuple(sorted(values)) for ref, values in found.items()}
