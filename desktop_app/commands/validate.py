"""`validate`: every validation case through the engine; `--draw-held-out` draws the held-out list.

The validation folder is the parent of the cases folder: it holds held_out.txt, thresholds.yaml
and results.md (validation/ in the project, see docs/case-format.md and the README).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from desktop_app import paths

DEFAULT_CASES = paths.PROJECT_ROOT / "validation" / "cases"


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "validate", help="run the published validation cases and print the figures"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--cases",
        type=Path,
        default=DEFAULT_CASES,
        metavar="DIR",
        help="case folder (default validation/cases); results.md, held_out.txt: its parent",
    )
    parser.add_argument("--write", action="store_true", help="also write results.md")
    parser.add_argument(
        "--draw-held-out",
        action="store_true",
        help="draw the held-out third once (refuses when held_out.txt exists)",
    )
    parser.add_argument("--seed", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--kb", type=Path, default=paths.KNOWLEDGE_BASE, help=argparse.SUPPRESS)
    parser.set_defaults(func=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    from desktop_app.validation.gate import (
        check_thresholds,
        load_thresholds,
        read_gate_record,
        regressions,
    )
    from desktop_app.validation.held_out import draw_held_out
    from desktop_app.validation.report import to_json, to_markdown
    from desktop_app.validation.summary import run_validation

    folder = args.cases.parent
    if args.draw_held_out:
        chosen = draw_held_out(args.cases, folder / "held_out.txt", args.seed)
        print(f"Held out {len(chosen)} case files in {folder / 'held_out.txt'}.")
        return 0
    from desktop_app.core.knowledge import load_knowledge_base  # YAML only when it runs

    run = run_validation(load_knowledge_base(args.kb), args.cases, folder / "held_out.txt")
    checks = check_thresholds(run, load_thresholds(folder / "thresholds.yaml"))
    if args.write:
        results_md = folder / "results.md"
        lost = regressions(run, read_gate_record(results_md))
        results_md.write_text(to_markdown(run, checks), encoding="utf-8")
        if lost:  # accepted by rewriting: say so, so it goes into the commit message
            print(
                f"{results_md} rewritten; hits of the previous file that are now misses:\n  "
                + "\n  ".join(lost),
                file=sys.stderr,
            )
    if args.json:
        print(json.dumps(to_json(run, checks), indent=2, ensure_ascii=False))
    else:
        print(to_markdown(run, checks, record=False))
    return 0
