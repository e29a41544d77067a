"""Results remembered per knowledge base, keyed by exactly the observations they read.

The next best test simulates every possible result of every unrecorded item (core.next_test).
Between two assessments of a visit one item changes, so almost every simulation would repeat:
a rule's outcome depends only on the items its predicates read, so it is
filed under those items' recorded values (`project`) and computed again only when one of them
changes. A key holds every input of the computation, so a remembered result is the one a fresh
computation gives, to the last bit.

Each knowledge base has its own store, dropped with it; a store is emptied when it reaches
MAX_ENTRIES (about 20 MB at worst), which costs one slow assessment.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Hashable, Iterable
from typing import Any

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Observations
from desktop_app.core.predicates import Predicate

MAX_ENTRIES = 50_000
Ref = tuple[str, str]  # ("answer" | "exam", id)


class Store:
    """One knowledge base's remembered results and static look-ups."""

    def __init__(self) -> None:
        self.static: dict[Hashable, Any] = {}  # depends on the knowledge base only
        self._results: dict[Hashable, Any] = {}

    def get(self, key: Hashable) -> Any:
        return self._results.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        if len(self._results) >= MAX_ENTRIES:
            self._results.clear()
        self._results[key] = value

    def clear(self) -> None:
        self._results.clear()


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


def project(obs: Observations, refs: tuple[Ref, ...], marks: bool) -> Hashable:
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
