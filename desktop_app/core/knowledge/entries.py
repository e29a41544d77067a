"""Strict reading of knowledge-base YAML: one typed accessor per entry, every error located.

YAML because clinicians review these files: it allows comments next to each figure and readable
multi-line instructions, and ``safe_load`` builds only plain data. A key written twice, an unknown
key, a wrong type or an empty text is refused with file, entry and reason.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from desktop_app.core.errors import KnowledgeBaseError
from desktop_app.core.predicates import Predicate, PredicateSyntaxError, parse

T = TypeVar("T")


# libyaml's C parser when PyYAML was built with it: the pure-Python one doubles start-up time.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """safe_load that refuses a key written twice in one mapping."""


def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice (line {line})", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


class Entry:
    """Typed, strict access to one YAML mapping; every error names file and entry."""

    def __init__(self, file: str, name: str, raw: Any, allowed: set[str]) -> None:
        self.file, self.name = file, name
        if not isinstance(raw, dict):
            self.fail(f"expected a mapping, got {type(raw).__name__}")
        unknown = set(raw) - allowed
        if unknown:
            self.fail(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        self.raw: dict[str, Any] = raw

    def fail(self, reason: str) -> None:
        raise KnowledgeBaseError(self.file, self.name, reason)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.raw or self.raw[key] is None:
            if default is ...:
                self.fail(f"missing required key '{key}'")
            return default
        value = self.raw[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float)):
            self.fail(f"'{key}' must be {getattr(kind, '__name__', kind)}, got {value!r}")
        if isinstance(value, str) and not value.strip():
            self.fail(f"'{key}' is empty")
        return value

    def text(self, key: str, default: Any = ...) -> Any:
        """A non-empty string, or the default (which may be None) when the key is absent."""
        return self.get(key, str, default)

    def number(self, key: str, default: Any = ...) -> float | None:
        value = self.get(key, (int, float), default)
        return None if value is None else float(value)

    def strings(self, key: str, default: Any = ...) -> tuple[str, ...]:
        values = self.get(key, list, default)
        if values is None:
            return ()
        if not all(isinstance(v, str) for v in values):
            self.fail(f"'{key}' must be a list of strings")
        return tuple(values)

    def choice(self, key: str, choices: tuple[str, ...], default: Any = ...) -> str:
        value = self.text(key, default)
        if value not in choices:
            self.fail(f"'{key}' is {value!r}; expected one of {', '.join(choices)}")
        return str(value)

    def predicate(self, key: str, default: Any = ...) -> Predicate | None:
        if key not in self.raw:
            if default is ...:
                self.fail(f"missing required key '{key}'")
            return None
        try:
            return parse(self.raw[key])
        except PredicateSyntaxError as exc:
            self.fail(f"'{key}': {exc}")
        raise AssertionError("unreachable")

    def probability(self, key: str, default: Any = ...) -> float | None:
        value = self.number(key, default)
        if value is not None and not 0 <= value <= 1:
            self.fail(f"'{key}' must be between 0 and 1, got {value}")
        return value

    def ratio(self, key: str) -> float:
        value = self.number(key, 1.0)
        assert value is not None
        if value <= 0:
            self.fail(f"'{key}' must be a positive likelihood ratio, got {value}")
        return value

    def provenance(self) -> tuple[str | None, bool, str]:
        """Either a source ID or ``estimate: true`` with a rationale; never neither."""
        source = self.text("source", None)
        estimate = bool(self.get("estimate", bool, False))
        rationale = self.text("rationale", "")
        if not source and not estimate:
            self.fail("a figure needs a 'source' or 'estimate: true' with a 'rationale'")
        if estimate and not rationale:
            self.fail("an estimate needs a 'rationale'")
        return source, estimate, rationale


def read_yaml(directory: Path, name: str) -> Any:
    path = directory / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeBaseError(name, "(file)", f"missing from {directory}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(name, "(file)", f"cannot be read: {exc}") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        entry = _entry_at(text, mark.line) if mark is not None else "(file)"
        raise KnowledgeBaseError(name, entry, f"is not valid YAML: {exc}") from None


def _entry_at(text: str, line: int) -> str:
    """The ``id`` of the top-level entry spanning a line, to name it in a YAML error."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # nodes only: duplicates do not fail
    except yaml.YAMLError:
        return f"line {line + 1}"
    if isinstance(root, yaml.SequenceNode):
        for n, item in enumerate(root.value, start=1):
            if item.start_mark.line <= line <= item.end_mark.line:
                ids = [v.value for k, v in getattr(item, "value", ()) if k.value == "id"]
                return str(ids[0]) if ids else f"entry {n}"
    return f"line {line + 1}"


def read_entries(
    directory: Path,
    name: str,
    allowed: set[str],
    build: Callable[[Entry], T],
    problems: list[KnowledgeBaseError],
) -> dict[str, T]:
    """Read a file that is a list of entries with unique ``id``s.

    A malformed entry is added to ``problems`` and left out, so one run names every bad entry.
    """
    try:
        data = read_yaml(directory, name)
    except KnowledgeBaseError as exc:
        problems.append(exc)
        return {}
    if not isinstance(data, list):
        problems.append(KnowledgeBaseError(name, "(file)", "must be a list of entries"))
        return {}
    result: dict[str, T] = {}
    for n, raw in enumerate(data, start=1):
        label = f"entry {n}"
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            label = raw["id"]
        try:
            entry = Entry(name, label, raw, allowed | {"id"})
            entry_id = entry.text("id")
            if entry_id in result:
                entry.fail("duplicate id")
            result[entry_id] = build(entry)
        except KnowledgeBaseError as exc:
            problems.append(exc)
    return result


def sub_entry(parent: Entry, raw: Any, label: str, allowed: set[str]) -> Entry:
    return Entry(parent.file, f"{parent.name} > {label}", raw, allowed)
