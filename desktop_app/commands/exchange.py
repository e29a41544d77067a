"""`export-fhir`, `export-csv` and `import-patients`: data that leaves or enters the app.

Every one is written to the audit log (format and counts, never names or file paths).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from desktop_app.commands import app_of


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (yyyy-mm-dd)") from None


def register(sub: Any) -> None:
    fhir = sub.add_parser(
        "export-fhir", help="write a FHIR R4 Bundle (JSON) of one visit or one patient's record"
    )
    which = fhir.add_mutually_exclusive_group(required=True)
    which.add_argument("--visit", type=int, metavar="ID", help="one visit (with its patient)")
    which.add_argument("--patient", type=int, metavar="ID", help="a patient with every visit")
    fhir.add_argument("--out", type=Path, required=True, metavar="FILE", help="JSON file to write")
    fhir.set_defaults(func=run_export_fhir)

    table = sub.add_parser(
        "export-csv",
        help="write visits and measure scores of a date range as CSV (one row a visit)",
    )
    table.add_argument("--from", dest="first", type=_date, required=True, metavar="YYYY-MM-DD")
    table.add_argument("--to", dest="last", type=_date, required=True, metavar="YYYY-MM-DD")
    table.add_argument("--out", type=Path, required=True, metavar="FILE", help="CSV file to write")
    table.add_argument(
        "--include-plan", action="store_true", help="add the plan (free text) of each visit"
    )
    table.set_defaults(func=run_export_csv)


def run_export_fhir(args: argparse.Namespace) -> int:
    from desktop_app.exchange.service import export_fhir

    app = app_of(args)
    scope, record_id = (
        ("visit", args.visit) if args.visit is not None else ("patient", args.patient)
    )
    with app.open_repository(must_exist=True) as repo:
        written, count = export_fhir(repo, app.knowledge_base(), scope, record_id, args.out)
    print(f"Wrote a FHIR R4 Bundle of {scope} {record_id} ({count} resources) to {written}")
    return 0


def run_export_csv(args: argparse.Namespace) -> int:
    from desktop_app.exchange.service import export_csv

    app = app_of(args)
    with app.open_repository(must_exist=True) as repo:
        written, count = export_csv(
            repo, app.knowledge_base(), args.first, args.last, args.out,
            free_text=args.include_plan,
        )  # fmt: skip
    print(f"Wrote {count} visit(s) from {args.first} to {args.last} to {written}")
    return 0
