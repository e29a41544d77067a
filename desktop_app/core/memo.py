"""Results remembered per knowledge base, keyed by exactly the observations they read.

The next best test simulates every possible result of every unrecorded item (core.next_test).
Between two assessments of a visit one item changes, so almost every simulation would repeat:
a rule's outcome depends only on the items its predicates read, so it is
filed under those items' recorded values (`project`) and computed again only when one of them
changes. A key holds every input of the computation, so a remembered result is the one a fresh
computation gives, to the last bit.

The store also keeps the previous assessment's record and scores (`previous`): a condition none
of whose items changed since (`changed_items`) keeps its Score object, and what is derived from a
Score (its row, its change under each result of an item) is reused while the same object comes
back (`derived`); a new score is a new object, so nothing stale is ever returned.

What depends on the knowledge base alone lasts as long as it: the static look-ups, the results of
a rule on a record that records nothing it reads, and what is derived from the blank record's
scores (`last`); a visit just opened needs only what its recorded items change.

Each knowledge base has its own store, dropped with it; a store's visit results are emptied when
they reach MAX_ENTRIES (about 20 MB at worst), which costs one slow assessment.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Observations
from desktop_app.core.predicates import Predicate

MAX_ENTRIES = 50_000
Ref = tuple[str, str]  # ("answer" | "exam", id)
T = TypeVar("T")


class Store:
    """One knowledge base's remembered results and static look-ups."""

    def __init__(self) -> None:
        self.static: dict[Hashable, Any] = {}  # depends on the knowledge base only
        self._results: dict[Hashable, Any] = {}
        self._derived: dict[Hashable, tuple[object, Any]] = {}
        # What depends on the knowledge base alone (the blank record's results, what is derived
        # from the blank record's scores) is kept apart: never overwritten, never emptied.
        self._lasting_results: dict[Hashable, Any] = {}
        self._lasting_derived: dict[tuple[Hashable, int], Any] = {}
        self._lasting: dict[int, object] = {}  # id -> the static object, kept alive
        self.groups: dict[str, Any] = {}  # group rows (core.ranking), identity-checked
        self.safety: Any = None  # (record, each rule's safety state on it): core.safety_search
        self.previous: Any = None  # the last record assessed and what it gave (core.diagnosis)

    def get(self, key: Hashable) -> Any:
        found = self._results.get(key)
        return found if found is not None else self._lasting_results.get(key)

    def put(self, key: Hashable, value: Any, *, lasting: bool = False) -> None:
        """Remember `value`; `lasting` when the key depends on the knowledge base alone."""
        if lasting:
            self._lasting_results[key] = value
            return
        if len(self._results) >= MAX_ENTRIES:
            self._results.clear()
        self._results[key] = value

    def last(self, sources: Iterable[object]) -> None:
        """Objects of `static` whose derived results are kept like the static look-ups."""
        self._lasting.update((id(source), source) for source in sources)

    def derived(self, key: Hashable, source: object, compute: Callable[[], T]) -> T:
        """`compute()`, a result of `source` alone, reused while the same object is passed."""
        found = self.derived_of(key, source)
        if found is None:
            found = compute()
            self.keep_derived(key, source, found)
        value: T = found
        return value

    def derived_of(self, key: Hashable, source: object) -> Any:
        """What `keep_derived` kept under `key` for this very `source`, else None."""
        found = self._derived.get(key)
        if found is not None and found[0] is source:
            return found[1]
        if id(source) in self._lasting:  # that very object: `_lasting` keeps it alive
            return self._lasting_derived.get((key, id(source)))
        return None

    def keep_derived(self, key: Hashable, source: object, value: Any) -> None:
        if id(source) in self._lasting:
            self._lasting_derived[key, id(source)] = value
        else:
            self._derived[key] = (source, value)

    def clear(self) -> None:
        """Forget every visit's results (what depends on the knowledge base alone is kept)."""
        self._results.clear()
        self._derived.clear()
        self.groups.clear()
        self.safety = None
        self.previous = None


_STORES: dict[int, Store] = {}
_LOCK = threading.Lock()


def store(kb: KnowledgeBase) -> Store:
    """The knowledge base's store (a knowledge base is not hashable: filed by identity)."""
    found = _STORES.get(id(kb))
    if found is None:
        with _LOCK:
            found = _STORES.get(id(kb))
            if found is None:
                found = _STORES[id(kb)] = Store()
                weakref.finalize(kb, _STORES.pop, id(kb), None)
    return found


def reads(preds: Iterable[Predicate]) -> tuple[tuple[Ref, ...], bool]:
    """The items the predicates read, in order, and whether they read body-chart marks."""
    preds = list(preds)
    refs = tuple(dict.fromkeys(ref for pred in preds for ref in pred.references()))
    return refs, any(True for pred in preds for _ in pred.marks())


def project(
    obs: Observations, refs: tuple[Ref, ...], marks: bool
) -> tuple[tuple[Hashable, ...], tuple[Any, ...]]:
    """The recorded values of `refs` (and the marks when read): all a predicate over them sees.

    Raises TypeError when a value cannot be a key (the caller then computes afresh)."""
    values: list[Hashable] = []
    for kind, item_id in refs:
        if kind == "answer":
            values.append(obs.answers.get(item_id))
        else:
            sides = obs.exam.get(item_id)
            values.append(tuple(sorted(sides.items())) if sides else None)
    key = (tuple(values), obs.marks if marks else ())
    hash(key)
    return key


def snapshot(obs: Observations) -> Observations:
    """A copy of the record that later edits of the caller's mappings cannot reach."""
    answers = {k: list(v) if isinstance(v, list) else v for k, v in obs.answers.items()}
    exam = {k: dict(sides) for k, sides in obs.exam.items()}
    return Observations(obs.presentations, answers, exam, obs.marks)


def changed_items(old: Observations, new: Observations) -> set[Ref] | None:
    """The items recorded differently in `new`; None when the presentations or the body-chart
    marks differ (then anything may have changed)."""
    if old.presentations != new.presentations or old.marks != new.marks:
        return None
    found: set[Ref] = set()
    if old.answers != new.answers:
        for k in old.answers.keys() | new.answers.keys():
            if old.answers.get(k) != new.answers.get(k):
                found.add(("answer", k))
    if old.exam != new.exam:
        for k in old.exam.keys() | new.exam.keys():
            if old.exam.get(k) != new.exam.get(k):
                found.add(("exam", k))
    return found
