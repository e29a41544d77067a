"""Load and validate the knowledge base: every file through one table, every problem reported.

`ENTRY_FILES` is the table of (file, keys an entry may have, builder). A malformed entry is
collected and the next one read, so `kb check` lists every problem in one run; cross-references
are checked once every entry is built (knowledge.references).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.core.errors import KnowledgeBaseError, KnowledgeBaseProblems
from desktop_app.core.knowledge import builders as b
from desktop_app.core.knowledge.entries import Entry, read_entries, read_yaml
from desktop_app.core.knowledge.model import RENAMED_KINDS, BodyChart, KnowledgeBase
from desktop_app.core.knowledge.references import reference_problems

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


# The list-of-entries files: (file, keys an entry may have besides ``id``, builder).
ENTRY_FILES: tuple[tuple[str, frozenset[str], Callable[[Entry], Any]], ...] = (
    ("sources.yaml", frozenset({"citation", "verification", "url"}), b.build_source),
    (
        "presentations.yaml",
        frozenset({"name", "description", "prompts", "exam_items"}),
        b.build_presentation,
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
        b.build_prompt,
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
        b.build_exam_item,
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
        b.build_condition,
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
        b.build_red_flag,
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
                "suited_for",
            }
        ),
        b.build_measure,
    ),
)


def load_knowledge_base(directory: Path) -> KnowledgeBase:
    """Read every file, build typed objects and check all cross-references.

    Raises KnowledgeBaseError (a KnowledgeBaseProblems when there are several) naming every
    malformed entry; cross-references are checked only once every entry has been built.
    """
    problems: list[KnowledgeBaseError] = []
    version, title = "", ""
    renamed: dict[str, dict[str, str]] = {}
    try:
        manifest = Entry(
            "manifest.yaml",
            "(file)",
            read_yaml(directory, "manifest.yaml"),
            {"version", "title", "renamed"},
        )
        version, title = manifest.text("version"), manifest.text("title")
        renamed = _renamed(manifest)
    except KnowledgeBaseError as exc:
        problems.append(exc)
    tables = {
        name: read_entries(directory, name, set(allowed), build, problems)
        for name, allowed, build in ENTRY_FILES
    }
    body_chart = BodyChart((), ())
    try:
        body_chart = b.build_body_chart(directory)
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
        fingerprint=fingerprint(directory),
        renamed=renamed,
    )
    problems = reference_problems(kb)
    if problems:
        raise KnowledgeBaseProblems(problems)
    return kb


def _renamed(manifest: Entry) -> dict[str, dict[str, str]]:
    """`renamed: {prompts: {old_id: new_id}, exam_items: {..}, conditions: {..}}`."""
    raw = manifest.get("renamed", dict, {})
    unknown = set(raw) - set(RENAMED_KINDS)
    if unknown:
        extra = ", ".join(sorted(map(str, unknown)))
        manifest.fail(f"'renamed' takes {', '.join(RENAMED_KINDS)}; not {extra}")
    result: dict[str, dict[str, str]] = {}
    for kind, pairs in raw.items():
        if not isinstance(pairs, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in pairs.items()
        ):
            manifest.fail(f"'renamed: {kind}' must map old IDs to new IDs")
        result[kind] = dict(pairs)
    return result


def fingerprint(directory: Path) -> str:
    """SHA-256 (16 hex digits) over every clinical file: what kb.lock pins to a version."""
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode())
        digest.update((directory / name).read_bytes())
    return digest.hexdigest()[:16]
