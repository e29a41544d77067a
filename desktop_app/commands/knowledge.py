"""`kb check` validates the knowledge base; `assess CASE` prints the differential of a case."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app import paths
from desktop_app.commands import app_of
from desktop_app.core.errors import InvalidObservation
from desktop_app.core.knowledge.lock import add_to_lock, lock_problem

if TYPE_CHECKING:  # the engine, the loader and YAML are imported when a command runs
    from desktop_app.core.diagnosis import Differential
    from desktop_app.core.knowledge import KnowledgeBase
    from desktop_app.core.observations import Observations


def register(sub: Any) -> None:
    kb = sub.add_parser("kb", help="knowledge-base tools")
    kb_sub = kb.add_subparsers(title="kb commands", metavar="ACTION", required=True)
    check = kb_sub.add_parser("check", help="validate every knowledge-base file")
    check.add_argument("--dir", type=Path, default=paths.KNOWLEDGE_BASE, help=argparse.SUPPRESS)
    check.set_defaults(func=run_check)

    lock = kb_sub.add_parser("lock", help="pin the knowledge-base version to its content")
    lock.add_argument("--dir", type=Path, default=paths.KNOWLEDGE_BASE, help=argparse.SUPPRESS)
    lock.set_defaults(func=run_lock)

    listing = kb_sub.add_parser("list", help="every presentation, prompt, exam item, condition")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=run_list)

    case = sub.add_parser("assess", help="print the differential for a case file (YAML or JSON)")
    case.add_argument("case", type=Path, help="case file; see docs/case-format.md")
    case.add_argument("--json", action="store_true", help="machine-readable output")
    case.set_defaults(func=run_assess)


def run_check(args: argparse.Namespace) -> int:
    from desktop_app.core.knowledge import load_knowledge_base

    kb = load_knowledge_base(args.dir)
    conditions, flags = kb.conditions.values(), kb.red_flags.values()
    n_links = sum(len(c.links) for c in conditions)
    n_nested = sum(c.parent is not None for c in conditions)
    n_modifiers = sum(len(c.prior_modifiers) for c in conditions)
    n_retired = sum(p.retired for p in kb.prompts.values()) + sum(
        i.retired for i in kb.exam_items.values()
    )
    print(
        f"Knowledge base {kb.version} ({kb.fingerprint}) is valid: "
        f"{len(kb.presentations)} presentations, {len(kb.prompts)} prompts, "
        f"{len(kb.exam_items)} examination items ({n_retired} prompts or items retired), "
        f"{len(kb.conditions)} conditions ({n_nested} nested, {n_links} findings, "
        f"{n_modifiers} prior modifiers), {len(kb.red_flags)} red flags "
        f"({sum(bool(f.screen) for f in flags)} with a screen, "
        f"{sum(bool(f.safety_net) for f in flags)} with safety-net advice), "
        f"{len(kb.measures)} measures, {len(kb.sources)} sources."
    )
    problem = lock_problem(kb, args.dir)
    if problem:
        print(f"kb.lock: {problem}")
        return 1
    return 0


def run_lock(args: argparse.Namespace) -> int:
    from desktop_app.core.knowledge import load_knowledge_base

    kb = load_knowledge_base(args.dir)
    added = add_to_lock(kb, args.dir)
    state = "pinned" if added else "was already pinned"
    print(f"Knowledge base {kb.version} {state} to {kb.fingerprint} in kb.lock.")
    return 0


def catalogue(kb: KnowledgeBase) -> dict[str, list[dict[str, str]]]:
    """IDs and labels of everything a case file or the GUI can refer to."""
    return {
        "presentations": [{"id": p.id, "label": p.name} for p in kb.presentations.values()],
        "prompts": [
            {"id": p.id, "label": p.question, "answer_type": p.answer_type}
            for p in kb.prompts.values()
        ],
        "exam_items": [
            {"id": i.id, "label": i.name, "result_type": i.result_type}
            for i in kb.exam_items.values()
        ],
        "conditions": [{"id": c.id, "label": c.name} for c in kb.conditions.values()],
        "red_flags": [{"id": f.id, "label": f.name} for f in kb.red_flags.values()],
        "measures": [{"id": m.id, "label": m.name} for m in kb.measures.values()],
    }


def run_list(args: argparse.Namespace) -> int:
    data = catalogue(app_of(args).knowledge_base())
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    for section, rows in data.items():
        print(f"{section}:")
        for row in rows:
            print(f"  {row['id']:<32} {row['label']}")
    return 0


MAX_CASE_BYTES = 1_000_000  # a case is a few kB; anything this size is the wrong file


def read_case(path: Path) -> dict[str, Any]:
    import yaml

    try:
        if path.stat().st_size > MAX_CASE_BYTES:
            raise InvalidObservation(
                f"Case file {path} is too large (file too large: over {MAX_CASE_BYTES} bytes)."
            )
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise InvalidObservation(f"Case file {path} is nested too deeply to read.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidObservation(f"Cannot read case file {path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise InvalidObservation(f"Case file {path} is not valid YAML or JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidObservation(f"Case file {path} must hold a mapping.")
    data.pop("header", None)  # a validation case file's header (docs/case-format.md)
    return data


def run_assess(args: argparse.Namespace) -> int:
    from desktop_app.core.diagnosis import assess
    from desktop_app.core.validation import observations_from_dict

    kb = app_of(args).knowledge_base()
    case = read_case(args.case)
    try:
        observations = observations_from_dict(kb, case)
    except (TypeError, AttributeError, ValueError, KeyError, RecursionError) as exc:
        # A hand-written file with a list where a mapping belongs (and the like): a message.
        raise InvalidObservation(
            f"Case file {args.case} has a value of the wrong type or shape "
            f"({type(exc).__name__}: {exc})."
        ) from None
    result = assess(kb, observations)
    if args.json:  # the differential exactly as a signed visit stores it
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_differential(result))
        unsided = side_not_stated(kb, observations)
        if unsided:
            print("\nRecorded with the side not stated (the case file gives no side):")
            print("\n".join(f"  - {line}" for line in unsided))
    return 0


def side_not_stated(kb: KnowledgeBase, obs: Observations) -> list[str]:
    """'Name: result, side not stated' for each result or mark a case file records without a
    side."""
    from desktop_app.core.observations import SIDE_NOT_STATED

    regions = {r.id: r.name for r in kb.body_chart.regions}
    symptoms = {s.id: s.label for s in kb.body_chart.symptoms}
    return [
        f"{kb.exam_items[item_id].name}: {sides[SIDE_NOT_STATED]}, side not stated"
        for item_id, sides in obs.exam.items()
        if SIDE_NOT_STATED in sides
    ] + [
        f"Body chart: {regions[m.region]}, {symptoms[m.symptom].lower()}, side not stated"
        for m in obs.marks
        if m.side == SIDE_NOT_STATED
    ]


def format_differential(result: Differential, top: int = 8) -> str:
    from desktop_app.core.diagnosis import format_probability
    from desktop_app.core.safety_wording import flag_heading, level_words

    lines = [f"{flag_heading(a.urgency, a.name)}. {a.action}" for a in result.red_flags]
    for m in result.must_exclude:
        level = level_words(m.urgency).short.upper()
        lines.append(f"MUST EXCLUDE NOW [{level}] {m.name} ({m.flag_name})")
    if result.red_flags:
        lines.append("")
    n = 0
    for c in result.conditions[:top]:
        post, pre = format_probability(c.posterior), format_probability(c.prior)
        vague = "" if c.specific else ", no specific findings yet"
        if c.parent is None:
            n += 1
            lines.append(f"{n}. {c.name}: {post} (pre-test {pre}{vague})")
        else:
            lines.append(f"   - {c.name}: {post} (pre-test {pre}{vague})")
        for f in c.supporting:
            lines.append(
                f"     for:     {f.statement} (LR {f.lr:.2g}{', estimate' if f.estimate else ''})"
            )
        for f in c.opposing:
            lines.append(
                f"     against: {f.statement} (LR {f.lr:.2g}{', estimate' if f.estimate else ''})"
            )
    incomplete = [s for s in result.screening if s.status == "incomplete"]
    if incomplete:
        lines.append("")
        for s in incomplete:
            lines.append(f"Not fully screened: {s.name} (unanswered: {', '.join(s.unanswered)})")
    for advice in result.safety_net:
        lines.append(f"Safety net: {advice.text}")
    if result.next_tests:
        lines.append("")
        lines.append("Next best tests:")
        for t in result.next_tests:
            lines.append(f"  - {'[safety] ' if t.safety else ''}{t.name}: {t.reason}")
    return "\n".join(lines)
