"""Standard codes (SNOMED CT, LOINC) for knowledge-base entries, from codes.yaml.

Strict like the knowledge-base loader: unknown keys, IDs the knowledge base does not hold,
unknown systems or sources, duplicates and codes failing their check digit are refused with the
file, the entry and the reason. A concept without a code is exported with its text only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from desktop_app.core.errors import KnowledgeBaseError
from desktop_app.core.knowledge import KnowledgeBase

FILE = "codes.yaml"
KINDS = ("condition", "measure", "red_flag", "exam_item", "prompt", "region")
CHECKS = {"snomed": "verhoeff", "loinc": "mod10"}


@dataclass(frozen=True)
class CodeSystem:
    key: str
    uri: str
    name: str


@dataclass(frozen=True)
class CodeSource:
    id: str
    citation: str
    url: str


@dataclass(frozen=True)
class Code:
    kind: str
    id: str
    system: CodeSystem
    code: str
    display: str
    source: CodeSource


@dataclass(frozen=True)
class Codes:
    """Every code, looked up by (kind, knowledge-base ID)."""

    systems: dict[str, CodeSystem]
    sources: dict[str, CodeSource]
    by_entry: dict[tuple[str, str], tuple[Code, ...]]

    def of(self, kind: str, entry_id: str) -> tuple[Code, ...]:
        return self.by_entry.get((kind, entry_id), ())


# -- check digits ----------------------------------------------------------------------------

_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def snomed_id_valid(code: str) -> bool:
    """SNOMED CT identifiers: 6-18 digits, no leading zero, last digit a Verhoeff check."""
    if not (code.isdigit() and code.isascii() and 6 <= len(code) <= 18 and code[0] != "0"):
        return False
    check = 0
    for i, digit in enumerate(reversed(code)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[i % 8][int(digit)]]
    return check == 0


def loinc_code_valid(code: str) -> bool:
    """LOINC codes: digits, a hyphen and a mod-10 check digit (e.g. 72514-3)."""
    body, _, check = code.partition("-")
    if not (body.isdigit() and body.isascii() and check.isdigit() and len(check) == 1):
        return False
    total = 0
    for i, digit in enumerate(int(d) for d in reversed(body)):
        doubled = digit * 2 if i % 2 == 0 else digit
        total += doubled // 10 + doubled % 10
    return (10 - total % 10) % 10 == int(check)


_VALID = {"verhoeff": snomed_id_valid, "mod10": loinc_code_valid}


# -- loading ---------------------------------------------------------------------------------


def _mapping(value: Any, entry: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise KnowledgeBaseError(FILE, entry, "must be a mapping")
    unknown = set(value) - allowed
    if unknown:
        raise KnowledgeBaseError(FILE, entry, f"unknown key(s): {', '.join(sorted(unknown))}")
    missing = required - set(value)
    if missing:
        raise KnowledgeBaseError(FILE, entry, f"missing key(s): {', '.join(sorted(missing))}")
    for key, item in value.items():
        if not isinstance(item, str) or not item.strip():
            raise KnowledgeBaseError(FILE, entry, f"'{key}' must be non-empty text")
    return value


def _known_ids(kb: KnowledgeBase, kind: str) -> set[str]:
    tables: dict[str, Mapping[str, Any]] = {
        "condition": kb.conditions,
        "measure": kb.measures,
        "red_flag": kb.red_flags,
        "exam_item": kb.exam_items,
        "prompt": kb.prompts,
    }
    if kind == "region":
        return {r.id for r in kb.body_chart.regions}
    return set(tables[kind])


def parse_codes(data: Any, kb: KnowledgeBase) -> Codes:
    """Codes from the parsed YAML, checked against the knowledge base."""
    top = data if isinstance(data, dict) else None
    if top is None:
        raise KnowledgeBaseError(FILE, "(file)", "must be a mapping")
    unknown = set(top) - {"systems", "sources", "codes"}
    if unknown:
        raise KnowledgeBaseError(FILE, "(file)", f"unknown key(s): {', '.join(sorted(unknown))}")
    systems: dict[str, CodeSystem] = {}
    for key, value in (top.get("systems") or {}).items():
        if key not in CHECKS:
            raise KnowledgeBaseError(FILE, f"systems.{key}", f"unknown system (known: {CHECKS})")
        fields = _mapping(value, f"systems.{key}", {"uri", "name"}, {"uri", "name"})
        systems[key] = CodeSystem(key, fields["uri"], fields["name"])
    sources: dict[str, CodeSource] = {}
    for key, value in (top.get("sources") or {}).items():
        fields = _mapping(value, f"sources.{key}", {"citation", "url"}, {"citation", "url"})
        sources[key] = CodeSource(str(key), " ".join(fields["citation"].split()), fields["url"])
    rows = top.get("codes") or []
    if not isinstance(rows, list):
        raise KnowledgeBaseError(FILE, "codes", "must be a list")
    by_entry: dict[tuple[str, str], list[Code]] = {}
    allowed = {"kind", "id", "system", "code", "display", "source"}
    for n, row in enumerate(rows, start=1):
        label = f"codes[{n}]"
        if isinstance(row, dict) and isinstance(row.get("id"), str):
            label = f"codes[{n}] ({row.get('kind')} {row['id']})"
        fields = _mapping(row, label, allowed, allowed)
        kind = fields["kind"]
        if kind not in KINDS:
            raise KnowledgeBaseError(FILE, label, f"kind must be one of {', '.join(KINDS)}")
        if fields["id"] not in _known_ids(kb, kind):
            raise KnowledgeBaseError(FILE, label, f"the knowledge base has no {kind} with this ID")
        system = systems.get(fields["system"])
        if system is None:
            raise KnowledgeBaseError(FILE, label, f"unknown system '{fields['system']}'")
        source = sources.get(fields["source"])
        if source is None:
            raise KnowledgeBaseError(FILE, label, f"unknown source '{fields['source']}'")
        if not _VALID[CHECKS[system.key]](fields["code"]):
            raise KnowledgeBaseError(
                FILE, label, f"'{fields['code']}' is not a valid {system.name} code (check digit)"
            )
        code = Code(kind, fields["id"], system, fields["code"], fields["display"], source)
        same = by_entry.setdefault((kind, code.id), [])
        if any(c.system == system for c in same):
            raise KnowledgeBaseError(FILE, label, f"a second {system.name} code for this entry")
        same.append(code)
    return Codes(systems, sources, {k: tuple(v) for k, v in by_entry.items()})


def load_codes(directory: Path, kb: KnowledgeBase) -> Codes:
    """Read and check codes.yaml in the knowledge-base folder."""
    path = directory / FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(FILE, "(file)", f"cannot be read: {exc}") from None
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(FILE, "(file)", f"is not valid YAML: {exc}") from None
    return parse_codes(data, kb)
