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

    people = sub.add_parser(
        "import-patients",
        help="add patients from a CSV file or a FHIR Patient/Bundle (preview unless --yes)",
    )
    people.add_argument("file", type=Path, metavar="FILE", help="CSV (header row) or FHIR JSON")
    people.add_argument(
        "--format", choices=("csv", "fhir"), default=None, help="default: from the file name"
    )
    people.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="CSV column for a field (name, date_of_birth, sex, clinic_id); repeatable",
    )
    people.add_argument("--yes", action="store_true", help="write the new patients (else preview)")
    people.set_defaults(func=run_import_patients)


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


def _mapping(pairs: list[str]) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise argparse.ArgumentTypeError(f"--map takes FIELD=COLUMN, not '{pair}'")
        mapping[name.strip()] = column.strip()
    return mapping


def run_import_patients(args: argparse.Namespace) -> int:
    from desktop_app.exchange.patient_import import ImportRefused
    from desktop_app.exchange.service import apply_patient_import, plan_patient_import

    kind = args.format or ("fhir" if args.file.suffix.lower() == ".json" else "csv")
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"Cannot read {args.file}: {exc.strerror or exc}.") from None
    try:
        mapping = _mapping(args.map)
    except argparse.ArgumentTypeError as exc:
        raise ImportRefused(str(exc)) from None
    app = app_of(args)
    with app.open_repository() as repo:
        plan = plan_patient_import(repo, data, kind, mapping)
        print("Columns: " + ", ".join(f"{f} <- {c}" for f, c in plan.mapping.items()))
        print(f"{len(plan.new)} new patient(s), {len(plan.duplicates)} duplicate(s) skipped, "
              f"{len(plan.problems)} row(s) with problems.")  # fmt: skip
        for row in plan.new:
            print(f"  add   line {row.line}: {row.name}, {row.date_of_birth.isoformat()}, "
                  f"{row.sex}{', ' + row.clinic_id if row.clinic_id else ''}")  # fmt: skip
        for duplicate in plan.duplicates:
            print(f"  skip  {duplicate}")
        for problem in plan.problems:
            print(f"  error {problem}")
        if plan.problems:
            print("Nothing was written: correct the rows above and run again.")
            return 1
        if not args.yes:
            print("Preview only: nothing was written. Run again with --yes to add them.")
            return 0
        created = apply_patient_import(repo, plan)
    print(f"Added {len(created)} patient(s).")
    return 0
