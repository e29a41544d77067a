"""Load and validate the knowledge base from YAML files.

YAML because clinicians review these files: it allows comments next to each figure and readable
multi-line instructions, and ``safe_load`` builds only plain data. Duplicate keys, unknown keys,
duplicate IDs, wrong types and dangling references are all rejected with file, entry and reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from desktop_app.core.errors import KnowledgeBaseError, KnowledgeBaseProblems
from desktop_app.core.kb_references import reference_problems
from desktop_app.core.knowledge_base import (
    ANSWER_TYPES,
    RESULT_TYPES,
    URGENCIES,
    VERIFICATION,
    Accuracy,
    BodyChart,
    Condition,
    ExamItem,
    Figure,
    KnowledgeBase,
    Link,
    Measure,
    MeasureItem,
    NextSteps,
    Option,
    Presentation,
    PriorModifier,
    Prompt,
    RedFlag,
    Region,
    Source,
)
from desktop_app.core.predicates import Predicate, PredicateSyntaxError, parse

FILES = (
    "manifest.yaml",
    "sources.yaml",
    "presentations.yaml",
    "prompts.yaml",
    "exam_items.yaml",
    "conditions.yaml",
    "red_flags.yaml",
    "measures.yaml",
    "body_chart.yaml",
)
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


class _Entry:
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


def _read(directory: Path, name: str) -> Any:
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


def _entries(
    directory: Path,
    name: str,
    allowed: set[str],
    build: Callable[[_Entry], T],
    problems: list[KnowledgeBaseError],
) -> dict[str, T]:
    """Read a file that is a list of entries with unique ``id``s.

    A malformed entry is added to ``problems`` and left out, so one run names every bad entry.
    """
    try:
        data = _read(directory, name)
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
            entry = _Entry(name, label, raw, allowed | {"id"})
            entry_id = entry.text("id")
            if entry_id in result:
                entry.fail("duplicate id")
            result[entry_id] = build(entry)
        except KnowledgeBaseError as exc:
            problems.append(exc)
    return result


def _sub(parent: _Entry, raw: Any, label: str, allowed: set[str]) -> _Entry:
    return _Entry(parent.file, f"{parent.name} > {label}", raw, allowed)


def _source(e: _Entry) -> Source:
    return Source(
        e.text("id"), e.text("citation"), e.choice("verification", VERIFICATION), e.text("url", "")
    )


def _presentation(e: _Entry) -> Presentation:
    return Presentation(
        e.text("id"),
        e.text("name"),
        e.text("description"),
        e.strings("prompts"),
        e.strings("exam_items"),
    )


def _prompt(e: _Entry) -> Prompt:
    answer_type = e.choice("answer_type", ANSWER_TYPES)
    options = tuple(
        Option(o.text("id"), o.text("label"))
        for n, raw in enumerate(e.get("options", list, []), start=1)
        for o in [_sub(e, raw, f"option {n}", {"id", "label"})]
    )
    if answer_type in ("single_choice", "multiple_choice") and len(options) < 2:
        e.fail(f"a {answer_type} prompt needs at least two options")
    if answer_type not in ("single_choice", "multiple_choice") and options:
        e.fail(f"a {answer_type} prompt takes no options")
    minimum, maximum = e.number("minimum", None), e.number("maximum", None)
    if answer_type in ("number", "duration"):
        if minimum is None or maximum is None or not e.text("unit", ""):
            e.fail(f"a {answer_type} prompt needs 'unit', 'minimum' and 'maximum'")
        assert minimum is not None and maximum is not None
        if minimum >= maximum:
            e.fail("'minimum' must be below 'maximum'")
    if answer_type == "scale":
        minimum, maximum = 0.0, 10.0
    return Prompt(
        id=e.text("id"),
        topic=e.text("topic"),
        question=e.text("question"),
        answer_type=answer_type,
        help=e.text("help", ""),
        options=options,
        unit=e.text("unit", ""),
        minimum=minimum,
        maximum=maximum,
        show_when=e.predicate("show_when", None),
        retired=bool(e.get("retired", bool, False)),
    )


_ACCURACY_KEYS = {
    "target",
    "source",
    "sensitivity",
    "specificity",
    "lr_pos",
    "lr_neg",
    "reference_standard",
    "note",
}


def _exam_item(e: _Entry) -> ExamItem:
    result_type = e.choice("result_type", RESULT_TYPES, "binary")
    accuracy = []
    for n, raw in enumerate(e.get("accuracy", list, []), start=1):
        a = _sub(e, raw, f"accuracy {n}", _ACCURACY_KEYS)
        accuracy.append(
            Accuracy(
                target=a.text("target"),
                source=a.text("source"),
                sensitivity=a.probability("sensitivity", None),
                specificity=a.probability("specificity", None),
                lr_pos=a.number("lr_pos", None),
                lr_neg=a.number("lr_neg", None),
                reference_standard=a.text("reference_standard", ""),
                note=a.text("note", ""),
            )
        )
    minimum, maximum = e.number("minimum", None), e.number("maximum", None)
    if result_type == "measurement" and (minimum is None or maximum is None):
        e.fail("a measurement needs 'minimum' and 'maximum'")
    return ExamItem(
        id=e.text("id"),
        name=e.text("name"),
        region=e.text("region"),
        sided=bool(e.get("sided", bool)),
        how_to=e.text("how_to"),
        positive=e.text("positive"),
        result_type=result_type,
        unit=e.text("unit", ""),
        minimum=minimum,
        maximum=maximum,
        accuracy=tuple(accuracy),
        retired=bool(e.get("retired", bool, False)),
    )


_PROVENANCE = {"source", "estimate", "rationale"}
_FIGURE_KEYS = {"value", *_PROVENANCE}
_LINK_KEYS = {"label", "when", "lr_pos", "lr_neg", "source", "estimate", "rationale", "group"}
_MODIFIER_KEYS = {"when", "odds_ratio", *_PROVENANCE}


def _figure(e: _Entry) -> Figure:
    source, estimate, rationale = e.provenance()
    value = e.probability("value")
    assert value is not None
    return Figure(value, source, estimate, rationale)


def _condition(e: _Entry) -> Condition:
    priors = {}
    for pid, raw in e.get("priors", dict).items():
        prior = _figure(_sub(e, raw, f"prior {pid}", _FIGURE_KEYS))
        if not 0 < prior.value < 1:
            e.fail(f"prior for {pid} must be strictly between 0 and 1")
        priors[str(pid)] = prior
    links = []
    for n, raw in enumerate(e.get("links", list, []), start=1):
        le = _sub(e, raw, f"link {n}", _LINK_KEYS)
        source, estimate, rationale = le.provenance()
        when = le.predicate("when")
        assert when is not None
        links.append(
            Link(
                label=le.text("label"),
                when=when,
                lr_pos=le.ratio("lr_pos"),
                lr_neg=le.ratio("lr_neg"),
                source=source,
                estimate=estimate,
                rationale=rationale,
                group=le.text("group", None),
            )
        )
    steps_raw = e.get("next_steps", dict, {})
    s = _sub(e, steps_raw, "next_steps", {"imaging", "referral", "management", *_PROVENANCE})
    source, estimate, rationale = s.provenance() if steps_raw else (None, False, "")
    steps = NextSteps(
        s.strings("imaging", ()),
        s.strings("referral", ()),
        s.strings("management", ()),
        source,
        estimate,
        rationale,
    )
    return Condition(
        id=e.text("id"),
        name=e.text("name"),
        description=e.text("description"),
        urgency=e.choice("urgency", URGENCIES),
        priors=priors,
        links=tuple(links),
        next_steps=steps,
        parent=e.text("parent", None),
        prior_modifiers=_prior_modifiers(e),
    )


def _prior_modifiers(e: _Entry) -> tuple[PriorModifier, ...]:
    modifiers = []
    for n, raw in enumerate(e.get("prior_modifiers", list, []), start=1):
        m = _sub(e, raw, f"prior modifier {n}", _MODIFIER_KEYS)
        source, estimate, rationale = m.provenance()
        when = m.predicate("when")
        assert when is not None
        odds_ratio = m.number("odds_ratio")
        assert odds_ratio is not None
        if odds_ratio <= 0:
            m.fail(f"'odds_ratio' must be positive, got {odds_ratio}")
        modifiers.append(PriorModifier(when, odds_ratio, source, estimate, rationale))
    return tuple(modifiers)


def _red_flag(e: _Entry) -> RedFlag:
    source, estimate, rationale = e.provenance()
    when = e.predicate("when")
    assert when is not None
    return RedFlag(
        id=e.text("id"),
        name=e.text("name"),
        urgency=e.choice("urgency", URGENCIES),
        when=when,
        action=e.text("action"),
        source=source,
        estimate=estimate,
        rationale=rationale,
        conditions=e.strings("conditions", ()),
        screen=e.strings("screen", ()),
        safety_net=e.text("safety_net", ""),
        safety_net_when=_safety_net_when(e),
    )


def _safety_net_when(e: _Entry) -> Predicate | None:
    when = e.predicate("safety_net_when", None)
    if when is not None and "safety_net" not in e.raw:
        e.fail("'safety_net_when' needs the 'safety_net' advice it gives")
    return when


def _measure(e: _Entry) -> Measure:
    scoring = e.choice("scoring", ("sum", "mean", "total_only"))
    items = []
    for n, raw in enumerate(e.get("items", list, []), start=1):
        i = _sub(e, raw, f"item {n}", {"id", "text", "minimum", "maximum", "anchors"})
        anchors = {int(k): str(v) for k, v in i.get("anchors", dict, {}).items()}
        lo, hi = i.number("minimum"), i.number("maximum")
        assert lo is not None and hi is not None
        items.append(MeasureItem(i.text("id"), i.text("text"), lo, hi, anchors))
    patient_specific = bool(e.get("patient_specific", bool, False))
    if scoring == "total_only" and items:
        e.fail("a total_only measure embeds no items")
    if scoring != "total_only" and not items and not patient_specific:
        e.fail("a scored measure needs items")
    mcid_e = _sub(e, e.get("mcid", dict), "mcid", _FIGURE_KEYS)
    source, estimate, rationale = mcid_e.provenance()
    mcid_value = mcid_e.number("value")
    assert mcid_value is not None
    mcid = Figure(mcid_value, source, estimate, rationale)
    lo, hi = e.number("minimum"), e.number("maximum")
    assert lo is not None and hi is not None
    return Measure(
        id=e.text("id"),
        name=e.text("name"),
        scoring=scoring,
        minimum=lo,
        maximum=hi,
        higher_is_better=bool(e.get("higher_is_better", bool)),
        mcid=mcid,
        licence=e.text("licence"),
        items=tuple(items),
        patient_specific=patient_specific,
        max_items=int(e.number("max_items", 0) or 0),
        instructions=e.text("instructions", ""),
        source=e.text("source", None),
    )


def _body_chart(directory: Path) -> BodyChart:
    name = "body_chart.yaml"
    root = _Entry(name, "(file)", _read(directory, name), {"regions", "symptoms"})
    regions = tuple(
        Region(r.text("id"), r.text("name"), r.strings("views"))
        for n, raw in enumerate(root.get("regions", list), start=1)
        for r in [_Entry(name, f"region {n}", raw, {"id", "name", "views"})]
    )
    symptoms = tuple(
        Option(s.text("id"), s.text("label"))
        for n, raw in enumerate(root.get("symptoms", list), start=1)
        for s in [_Entry(name, f"symptom {n}", raw, {"id", "label"})]
    )
    return BodyChart(regions, symptoms)


# The list-of-entries files: (file, keys an entry may have besides ``id``, builder).
ENTRY_FILES: tuple[tuple[str, frozenset[str], Callable[[_Entry], Any]], ...] = (
    ("sources.yaml", frozenset({"citation", "verification", "url"}), _source),
    (
        "presentations.yaml",
        frozenset({"name", "description", "prompts", "exam_items"}),
        _presentation,
    ),
    (
        "prompts.yaml",
        frozenset(
            {
                "topic",
                "question",
                "answer_type",
                "help",
                "options",
                "unit",
                "minimum",
                "maximum",
                "show_when",
                "retired",
            }
        ),
        _prompt,
    ),
    (
        "exam_items.yaml",
        frozenset(
            {
                "name",
                "region",
                "sided",
                "how_to",
                "positive",
                "result_type",
                "unit",
                "minimum",
                "maximum",
                "accuracy",
                "retired",
            }
        ),
        _exam_item,
    ),
    (
        "conditions.yaml",
        frozenset(
            {
                "name",
                "description",
                "urgency",
                "priors",
                "links",
                "next_steps",
                "parent",
                "prior_modifiers",
            }
        ),
        _condition,
    ),
    (
        "red_flags.yaml",
        frozenset(
            {
                "name",
                "urgency",
                "when",
                "action",
                "source",
                "estimate",
                "rationale",
                "conditions",
                "screen",
                "safety_net",
                "safety_net_when",
            }
        ),
        _red_flag,
    ),
    (
        "measures.yaml",
        frozenset(
            {
                "name",
                "scoring",
                "minimum",
                "maximum",
                "higher_is_better",
                "mcid",
                "licence",
                "items",
                "patient_specific",
                "max_items",
                "instructions",
                "source",
            }
        ),
        _measure,
    ),
)


def load_knowledge_base(directory: Path) -> KnowledgeBase:
    """Read every file, build typed objects and check all cross-references.

    Raises KnowledgeBaseError (a KnowledgeBaseProblems when there are several) naming every
    malformed entry; cross-references are checked only once every entry has been built.
    """
    problems: list[KnowledgeBaseError] = []
    version, title = "", ""
    try:
        manifest = _Entry(
            "manifest.yaml", "(file)", _read(directory, "manifest.yaml"), {"version", "title"}
        )
        version, title = manifest.text("version"), manifest.text("title")
    except KnowledgeBaseError as exc:
        problems.append(exc)
    tables = {
        name: _entries(directory, name, set(allowed), build, problems)
        for name, allowed, build in ENTRY_FILES
    }
    body_chart = BodyChart((), ())
    try:
        body_chart = _body_chart(directory)
    except KnowledgeBaseError as exc:
        problems.append(exc)
    if problems:
        raise KnowledgeBaseProblems(problems)
    kb = KnowledgeBase(
        version=version,
        title=title,
        sources=tables["sources.yaml"],
        presentations=tables["presentations.yaml"],
        prompts=tables["prompts.yaml"],
        exam_items=tables["exam_items.yaml"],
        conditions=tables["conditions.yaml"],
        red_flags=tables["red_flags.yaml"],
        measures=tables["measures.yaml"],
        body_chart=body_chart,
        fingerprint=_fingerprint(directory),
    )
    problems = reference_problems(kb)
    if problems:
        raise KnowledgeBaseProblems(problems)
    return kb


def _fingerprint(directory: Path) -> str:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode())
        digest.update((directory / name).read_bytes())
    return digest.hexdigest()[:16]
