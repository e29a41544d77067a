"""`export-pdf --visit ID --out FILE [--kind KIND]` writes a visit's PDF (KINDS: export.bundle)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_app.commands import app_of
from desktop_app.export.bundle import KINDS


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "export-pdf",
        help="write a visit's clinical summary, referral letter or the patient's history as PDF",
    )
    parser.add_argument("--visit", type=int, required=True, metavar="ID", help="visit ID")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="PDF to write")
    parser.add_argument("--kind", choices=KINDS, default="summary", help="default: summary")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    from desktop_app.reporting import write_export
    from desktop_app.storage.database import defer_quick_check

    app = app_of(args)
    # Reading one visit needs no scan of the whole file first (a file not closed cleanly is
    # still checked at once): the 1 GB case spent 18 s here.
    with defer_quick_check(), app.open_repository(must_exist=True) as repo:
        from desktop_app.storage.outputs import check_output

        check_output(args.out, repo.path, force=args.force, what="PDF")
        done = write_export(repo, app.knowledge_base(), args.visit, args.kind, args.out)
    print(f"Wrote {args.kind} of visit {args.visit} to {done.path}")
    if done.not_audited:  # the file is complete; the log lacks its entry
        print(
            f"warning: {done.path} was written but not audited: {done.not_audited} The file is "
            "complete, but the audit log has no entry for this export: note it by hand.",
            file=sys.stderr,
        )
    return 0
