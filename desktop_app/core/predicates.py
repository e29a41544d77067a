"""Three-valued conditions over a visit's observations.

A predicate evaluates to True, False or None (unknown). Unknown is what an unrecorded item gives,
so "not assessed" never counts as evidence. Combinators follow Kleene's logic: ``all`` is False
as soon as one part is False, ``any`` is True as soon as one part is True, otherwise unknown
parts make the whole unknown.

The same grammar drives show-when conditions, condition findings and red-flag rules:

    {answer: ID, equals: VALUE} | {answer: ID, in: [..]} | {answer: ID, includes: OPTION}
    {answer: ID, at_least: N} | {answer: ID, below: N} | {answer: ID, answered: true}
    {exam: ID, is: positive|negative} | {exam: ID, at_least: N} | {exam: ID, below: N}
    {mark: SYMPTOM, regions: [..], bilateral: true}
    {all: [..]} | {any: [..]} | {not: P} | {at_least: N, of: [..]}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from desktop_app.core.observations import UNKNOWN, Observations

Truth = bool | None
Ref = tuple[str, str]  # ("answer" | "exam", id)


class Predicate:
    """Base of every predicate node."""

    def evaluate(self, obs: Observations) -> Truth:
        raise NotImplementedError

    def references(self) -> Iterator[Ref]:
        """Yield (kind, id) for every prompt ("answer") or exam item ("exam") it reads."""
        raise NotImplementedError

    def marks(self) -> Iterator[MarkIs]:
        yield from ()

    @cached_property
    def refs(self) -> frozenset[Ref]:
        return frozenset(self.references())

    def changed(
        self, obs: Observations, ref: Ref, alone: Observations, known: dict[int, Truth]
    ) -> Truth:
        """The truth on `obs` with item `ref` given the result `alone` (a record of that result
        only) holds: what `evaluate` gives on that hypothetical record, found by evaluating
        again only the parts that read `ref` (an atom that reads it is evaluated on `alone`).
        `known` remembers, by node, the truths on `obs` of the parts that do not read it."""
        if ref in self.refs:
            return self.evaluate(alone)  # an atom: it reads nothing else
        return _known(self, obs, known)


def _known(pred: Predicate, obs: Observations, known: dict[int, Truth]) -> Truth:
    key = id(pred)
    if key in known:
        return known[key]
    truth = known[key] = pred.evaluate(obs)
    return truth


def _compare(value: Any, op: str, operand: Any) -> Truth:
    if op == "equals":
        return bool(value == operand)
    if op == "in":
        return value in operand
    if op == "includes":
        return operand in value
    if op == "at_least":
        return bool(float(value) >= operand)
    if op == "below":
        return bool(float(value) < operand)
    raise ValueError(op)


@dataclass(frozen=True)
class AnswerIs(Predicate):
    prompt_id: str
    op: str
    operand: Any

    def evaluate(self, obs: Observations) -> Truth:
        value = obs.answers.get(self.prompt_id)
        if self.op == "answered":
            recorded = value is not None and value != UNKNOWN
            return recorded if self.operand else not recorded
        if value is None or value == UNKNOWN:
            return None
        return _compare(value, self.op, self.operand)

    def references(self) -> Iterator[tuple[str, str]]:
        yield ("answer", self.prompt_id)


@dataclass(frozen=True)
class ExamIs(Predicate):
    """An examination result; a sided item is positive if either side is."""

    item_id: str
    op: str
    operand: Any

    def evaluate(self, obs: Observations) -> Truth:
        results = obs.exam.get(self.item_id)
        if not results:
            return None
        truths = [self._one(value) for value in results.values()]
        if any(t is True for t in truths):
            return True
        if truths and all(t is False for t in truths):
            return False
        return None

    def _one(self, value: Any) -> Truth:
        if self.op == "is":
            if value == "inconclusive":
                return None
            return bool(value == self.operand)
        if isinstance(value, str):
            return None
        return _compare(value, self.op, self.operand)

    def references(self) -> Iterator[tuple[str, str]]:
        yield ("exam", self.item_id)


@dataclass(frozen=True)
class MarkIs(Predicate):
    """A body-chart mark. The chart records only what is present, so no mark means unknown."""

    symptom: str
    regions: tuple[str, ...]
    bilateral: bool

    def evaluate(self, obs: Observations) -> Truth:
        sides = {
            m.side
            for m in obs.marks
            if m.symptom == self.symptom and (not self.regions or m.region in self.regions)
        }
        if not sides:
            return None
        if self.bilateral:
            return True if ("both" in sides or {"left", "right"} <= sides) else None
        return True

    def references(self) -> Iterator[tuple[str, str]]:
        yield from ()

    def marks(self) -> Iterator[MarkIs]:
        yield self


@dataclass(frozen=True)
class AllOf(Predicate):
    parts: tuple[Predicate, ...]

    def evaluate(self, obs: Observations) -> Truth:
        # `of` inlined: this loop is the engine's hottest path
        result: Truth = True
        for part in self.parts:
            truth = part.evaluate(obs)
            if truth is False:
                return False
            if truth is None:
                result = None
        return result

    def changed(
        self, obs: Observations, ref: Ref, alone: Observations, known: dict[int, Truth]
    ) -> Truth:
        if ref not in self.refs:
            return _known(self, obs, known)
        return self.of([part.changed(obs, ref, alone, known) for part in self.parts])

    def of(self, truths: Iterable[Truth]) -> Truth:
        """The whole's truth from its parts' truths, in order (consumed only as far as needed)."""
        result: Truth = True
        for truth in truths:
            if truth is False:
                return False
            if truth is None:
                result = None
        return result

    def references(self) -> Iterator[tuple[str, str]]:
        for part in self.parts:
            yield from part.references()

    def marks(self) -> Iterator[MarkIs]:
        for part in self.parts:
            yield from part.marks()


@dataclass(frozen=True)
class AnyOf(AllOf):
    def evaluate(self, obs: Observations) -> Truth:
        result: Truth = False  # `of` inlined, as for all
        for part in self.parts:
            truth = part.evaluate(obs)
            if truth is True:
                return True
            if truth is None:
                result = None
        return result

    def of(self, truths: Iterable[Truth]) -> Truth:
        result: Truth = False
        for truth in truths:
            if truth is True:
                return True
            if truth is None:
                result = None
        return result


@dataclass(frozen=True)
class AtLeast(AllOf):
    """At least ``count`` parts are True (a test cluster such as "3 of 5 SIJ tests positive")."""

    count: int = 1

    def evaluate(self, obs: Observations) -> Truth:
        return self.of([part.evaluate(obs) for part in self.parts])

    def of(self, truths: Iterable[Truth]) -> Truth:
        found = list(truths)
        true = sum(t is True for t in found)
        unknown = sum(t is None for t in found)
        if true >= self.count:
            return True
        if true + unknown < self.count:
            return False
        return None


@dataclass(frozen=True)
class Not(Predicate):
    part: Predicate

    def evaluate(self, obs: Observations) -> Truth:
        truth = self.part.evaluate(obs)
        return None if truth is None else not truth

    def changed(
        self, obs: Observations, ref: Ref, alone: Observations, known: dict[int, Truth]
    ) -> Truth:
        if ref not in self.refs:
            return _known(self, obs, known)
        truth = self.part.changed(obs, ref, alone, known)
        return None if truth is None else not truth

    def references(self) -> Iterator[tuple[str, str]]:
        yield from self.part.references()

    def marks(self) -> Iterator[MarkIs]:
        yield from self.part.marks()


def leaves(pred: Predicate) -> list[Predicate]:
    """The atoms (answer, exam and mark conditions) of a predicate, in order."""
    if isinstance(pred, AllOf):  # also any / at_least
        return [leaf for part in pred.parts for leaf in leaves(part)]
    if isinstance(pred, Not):
        return leaves(pred.part)
    return [pred]


def positive_leaves(pred: Predicate) -> list[Predicate]:
    """The atoms not under a `not`: those whose truth counts towards the whole being true."""
    if isinstance(pred, AllOf):
        return [leaf for part in pred.parts for leaf in positive_leaves(part)]
    if isinstance(pred, Not):
        return []
    return [pred]


def node_truths(pred: Predicate, obs: Observations, out: dict[int, Truth]) -> Truth:
    """`pred.evaluate(obs)`, recording the truth of every node of the tree in `out` (by id)."""
    if isinstance(pred, AllOf):  # also any / at_least
        truth = pred.of([node_truths(part, obs, out) for part in pred.parts])
    elif isinstance(pred, Not):
        inner = node_truths(pred.part, obs, out)
        truth = None if inner is None else not inner
    else:
        truth = pred.evaluate(obs)
    out[id(pred)] = truth
    return truth


def could_become(pred: Predicate, want: bool, truths: dict[int, Truth]) -> AbstractSet[Ref]:
    """The items one new result of which could make `pred` `want` (it is not `want` now): a
    superset, found from the parts' truths alone (`node_truths`), so that `changed` need
    simulate only these. A node that does not read the item keeps its truth, so a whole that
    must become True (all) needs one item that can turn every part not yet True; any needs one
    part; at_least needs the item in as many parts as it lacks."""
    if isinstance(pred, Not):
        return could_become(pred.part, not want, truths)
    if not isinstance(pred, AllOf):
        return pred.refs  # an atom: any result of what it reads may give any truth
    open_parts = [part for part in pred.parts if truths[id(part)] is not want]
    if isinstance(pred, AtLeast):
        settled = len(pred.parts) - len(open_parts)
        need = pred.count - settled if want else len(open_parts) - pred.count + 1
    elif isinstance(pred, AnyOf) is want:  # any -> True, all -> False: one part is enough
        need = 1
    else:  # all -> True, any -> False: every open part must turn
        need = len(open_parts)
    if need <= 0:  # already `want`: not asked by the engine; everything it reads, to be safe
        return pred.refs
    if need == len(open_parts):  # every open part: an item common to all
        common: set[Ref] | None = None
        for part in open_parts:
            found = could_become(part, want, truths)
            common = set(found) if common is None else common & found
            if not common:
                return frozenset()
        return common if common is not None else frozenset()
    counts: dict[Ref, int] = {}
    for part in open_parts:
        for ref in could_become(part, want, truths):
            counts[ref] = counts.get(ref, 0) + 1
    return {ref for ref, n in counts.items() if n >= need}


ANSWER_OPS = ("equals", "in", "includes", "at_least", "below", "answered")
EXAM_OPS = ("is", "at_least", "below")


class PredicateSyntaxError(ValueError):
    """Raised by `parse` with a reason; the loader adds file and entry."""


def parse(raw: Any) -> Predicate:
    """Build a predicate from its YAML form."""
    if not isinstance(raw, dict) or not raw:
        raise PredicateSyntaxError(f"a condition must be a mapping, got {raw!r}")
    keys = set(raw)
    if keys == {"all"} or keys == {"any"}:
        parts = raw.get("all", raw.get("any"))
        if not isinstance(parts, list) or not parts:
            raise PredicateSyntaxError("'all'/'any' needs a non-empty list")
        cls = AllOf if "all" in raw else AnyOf
        return cls(tuple(parse(p) for p in parts))
    if keys == {"at_least", "of"}:
        parts, count = raw["of"], raw["at_least"]
        if not isinstance(parts, list) or not isinstance(count, int) or not 0 < count <= len(parts):
            raise PredicateSyntaxError("'at_least: N, of: [..]' needs 1 <= N <= number of parts")
        return AtLeast(tuple(parse(p) for p in parts), count)
    if keys == {"not"}:
        return Not(parse(raw["not"]))
    if "answer" in keys:
        return AnswerIs(str(raw["answer"]), *_single_op(raw, "answer", ANSWER_OPS))
    if "exam" in keys:
        return ExamIs(str(raw["exam"]), *_single_op(raw, "exam", EXAM_OPS))
    if "mark" in keys:
        extra = keys - {"mark", "regions", "bilateral"}
        if extra:
            raise PredicateSyntaxError(f"unknown keys {sorted(extra)} in a mark condition")
        regions = raw.get("regions", [])
        if not isinstance(regions, list):
            raise PredicateSyntaxError("'regions' must be a list")
        return MarkIs(str(raw["mark"]), tuple(map(str, regions)), bool(raw.get("bilateral")))
    raise PredicateSyntaxError(f"cannot read condition with keys {sorted(keys)}")


def _single_op(raw: dict[str, Any], subject: str, ops: tuple[str, ...]) -> tuple[str, Any]:
    rest = set(raw) - {subject}
    if len(rest) != 1 or not rest <= set(ops):
        raise PredicateSyntaxError(
            f"'{subject}' needs exactly one of {', '.join(ops)}; got {sorted(rest)}"
        )
    op = rest.pop()
    operand = raw[op]
    if op in ("at_least", "below") and not isinstance(operand, int | float):
        raise PredicateSyntaxError(f"'{op}' needs a number, got {operand!r}")
    if op == "in" and not isinstance(operand, list):
        raise PredicateSyntaxError("'in' needs a list")
    if op == "in":
        operand = tuple(operand)
    return op, operand
