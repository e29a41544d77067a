"""`export-pdf --visit ID --out FILE [--kind summary|referral|history]` writes a visit's PDF."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop_app import paths
from desktop_app.core.kb_loader import load_knowledge_base
from desktop_app.export.bundle import KINDS


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "export-pdf",
        help="write a visit's clinical summary, referral letter or the patient's history as PDF",
    )
    parser.add_argument("--visit", type=int, required=True, metavar="ID", help="visit ID")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="PDF to write")
    parser.add_argument("--kind", choices=KINDS, default="summary", help="default: summary")
    parser.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    from desktop_app.reporting import export_visit
    from desktop_app.storage.errors import DatabaseMissing
    from desktop_app.storage.repository import Repository

    db_path = args.db or paths.default_database()
    if not db_path.is_file():  # opening would create an empty database
        raise DatabaseMissing(f"There is no database at {db_path}. Check the --db path.")
    kb = load_knowledge_base(paths.KNOWLEDGE_BASE)
    repo = Repository.open(db_path, kb, actor="command line")
    try:
        written = export_visit(repo, kb, args.visit, args.kind, args.out)
    finally:
        repo.close()
    print(f"Wrote {args.kind} of visit {args.visit} to {written}")
    return 0
