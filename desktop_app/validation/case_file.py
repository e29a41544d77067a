"""Validation case files: the `assess` case format plus a strictly checked `header:`.

A malformed header, an unknown top-level key, an examination side other than left, right or
not_stated, or a body-chart mark that is not {region, symptom, side} with a side of left, right,
both or not_stated is a format error of the case file and stops the run with file, entry and
reason (every bad file at once). Answers or examination IDs the knowledge base does not know are not
format errors: that case is scored as invalid (see `scoring`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from desktop_app.core.errors import AppError, InvalidObservation
from desktop_app.core.validation import case_exam_sides, case_marks

RED_FLAG_LEVELS = ("emergency", "urgent", "routine", "none")
SOURCE_KINDS = ("case_report", "case_series", "image_quiz", "teaching_case")
CASE_KEYS = ("header", "description", "presentations", "answers", "exam", "marks")
HEADER_REQUIRED = ("source", "summary", "diagnosis", "expected_red_flag", "red_flag_reason")
HEADER_OPTIONAL = ("stated_present", "stated_negative", "unmapped", "accept", "notes")
SOURCE_KEYS = ("citation", "doi", "url", "pmcid", "kind")
CASE_SUFFIXES = (".yaml", ".yml", ".json")
_CONDITION_ID = re.compile(r"[a-z][a-z0-9_]*")


class CaseFileError(AppError):
    """One or more validation case files are malformed; names each file and the reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} malformed validation case file(s):\n  " + "\n  ".join(problems)
        )


class _Bad(Exception):
    """A reason a single file is malformed (collected into CaseFileError)."""


@dataclass(frozen=True)
class CaseSource:
    citation: str
    doi: str | None
    url: str | None
    pmcid: str | None
    kind: str | None


@dataclass(frozen=True)
class CaseHeader:
    source: CaseSource
    summary: str
    diagnosis: tuple[str, ...]
    accept: tuple[str, ...]
    expected_red_flag: str
    red_flag_reason: str
    stated_present: tuple[str, ...] = ()
    stated_negative: tuple[str, ...] = ()
    unmapped: tuple[str, ...] = ()
    notes: str | None = None

    @property
    def accepted(self) -> tuple[str, ...]:
        """Condition IDs that count as a correct answer: the diagnosis, then any co-diagnosis."""
        return tuple(dict.fromkeys(self.diagnosis + self.accept))


@dataclass(frozen=True)
class ValidationCase:
    name: str  # the file name inside the cases folder: the case's stable ID
    header: CaseHeader
    case: Mapping[str, Any]  # the `assess` part, header removed


def case_paths(directory: Path) -> list[Path]:
    """Every case file in the folder, sorted by name (not recursive)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in CASE_SUFFIXES)


def load_cases(directory: Path) -> list[ValidationCase]:
    """Read every case file; raise CaseFileError listing every malformed one."""
    cases, problems = [], []
    for path in case_paths(directory):
        try:
            cases.append(load_case(path))
        except CaseFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CaseFileError(problems)
    return cases


def load_case(path: Path) -> ValidationCase:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return _parse(path.name, data)
    except (OSError, UnicodeDecodeError) as exc:
        reason = f"cannot be read ({exc})"
    except yaml.YAMLError as exc:
        reason = f"is not valid YAML: {exc}".replace("\n", " ")
    except _Bad as exc:
        reason = str(exc)
    raise CaseFileError([f"{path}: {reason}"])


def _parse(name: str, data: Any) -> ValidationCase:
    if not isinstance(data, dict):
        raise _Bad("the file must hold a mapping")
    unknown = sorted(set(data) - set(CASE_KEYS), key=str)
    if unknown:
        raise _Bad(f"unknown top-level key(s) {_names(unknown)} (allowed: {', '.join(CASE_KEYS)})")
    if "header" not in data:
        raise _Bad("no `header:` (see docs/case-format.md, 'Validation case files')")
    header = _header(data["header"])
    _exam_sides(data.get("exam"))
    _marks(data.get("marks"))
    return ValidationCase(name, header, {k: v for k, v in data.items() if k != "header"})


def _header(raw: Any) -> CaseHeader:
    if not isinstance(raw, dict):
        raise _Bad("header: must be a mapping")
    unknown = sorted(set(raw) - set(HEADER_REQUIRED) - set(HEADER_OPTIONAL), key=str)
    if unknown:
        allowed = ", ".join(HEADER_REQUIRED + HEADER_OPTIONAL)
        raise _Bad(f"header: unknown key(s) {_names(unknown)} (allowed: {allowed})")
    missing = [k for k in HEADER_REQUIRED if k not in raw]
    if missing:
        raise _Bad(f"header: missing {_names(missing)}")
    level = raw["expected_red_flag"]
    if level not in RED_FLAG_LEVELS:
        raise _Bad(
            f"header: expected_red_flag is {level!r}; expected one of {', '.join(RED_FLAG_LEVELS)}"
        )
    diagnosis = _condition_ids(raw["diagnosis"], "diagnosis")
    if not diagnosis:
        raise _Bad("header: diagnosis: needs at least one condition ID")
    return CaseHeader(
        source=_source(raw["source"]),
        summary=_text(raw["summary"], "summary"),
        diagnosis=diagnosis,
        accept=_condition_ids(raw.get("accept") or [], "accept"),
        expected_red_flag=level,
        red_flag_reason=_text(raw["red_flag_reason"], "red_flag_reason"),
        stated_present=_texts(raw.get("stated_present"), "stated_present"),
        stated_negative=_texts(raw.get("stated_negative"), "stated_negative"),
        unmapped=_texts(raw.get("unmapped"), "unmapped"),
        notes=_text(raw["notes"], "notes") if raw.get("notes") is not None else None,
    )


def _exam_sides(raw: Any) -> None:
    """Every examination entry's sides are well formed (the one rule: core.validation)."""
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise _Bad("exam: must be a mapping of examination item IDs to results")
    for item_id, result in raw.items():
        try:
            case_exam_sides(str(item_id), result)
        except InvalidObservation as exc:
            raise _Bad(str(exc)) from None


def _marks(raw: Any) -> None:
    """Every body-chart mark is well formed (the one rule: core.validation)."""
    try:
        case_marks(raw)
    except InvalidObservation as exc:
        raise _Bad(str(exc)) from None


def _source(raw: Any) -> CaseSource:
    if not isinstance(raw, dict):
        raise _Bad("header: source: must be a mapping with citation and doi or url")
    unknown = sorted(set(raw) - set(SOURCE_KEYS), key=str)
    if unknown:
        raise _Bad(
            f"header: source: unknown key(s) {_names(unknown)} (allowed: {', '.join(SOURCE_KEYS)})"
        )
    if "citation" not in raw:
        raise _Bad("header: source: missing citation")
    if not (raw.get("doi") or raw.get("url")):
        raise _Bad("header: source: needs a doi or a url")
    kind = raw.get("kind")
    if kind is not None and kind not in SOURCE_KINDS:
        raise _Bad(f"header: source: kind is {kind!r}; expected one of {', '.join(SOURCE_KINDS)}")

    def optional(key: str) -> str | None:
        value = raw.get(key)
        return None if value is None else _text(value, f"source: {key}")

    return CaseSource(
        _text(raw["citation"], "source: citation"),
        optional("doi"),
        optional("url"),
        optional("pmcid"),
        kind,
    )


def _condition_ids(raw: Any, key: str) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise _Bad(
            f"header: {key}: must be a list of condition IDs, e.g. [coccydynia], not {raw!r}"
        )
    for item in raw:
        if not isinstance(item, str) or not _CONDITION_ID.fullmatch(item):
            raise _Bad(f"header: {key}: {item!r} is not a condition ID")
    return tuple(raw)


def _text(raw: Any, key: str) -> str:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return str(raw)
    if not isinstance(raw, str) or not raw.strip():
        raise _Bad(f"header: {key}: must be non-empty text")
    return raw.strip()


def _texts(raw: Any, key: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise _Bad(f"header: {key}: must be a list of quoted texts")
    return tuple(raw)


def _names(keys: list[Any]) -> str:
    return ", ".join(repr(k) for k in keys)
