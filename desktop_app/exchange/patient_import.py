"""Reading patients from another system's CSV or a FHIR Patient resource, as an import plan.

Nothing is written while planning: the plan lists the patients to add, the duplicates (already
in the database, or repeated in the file) and every bad row with its line and reason. Only a
plan without problems can be applied, in one transaction with its audit entry.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.errors import AppError
from desktop_app.core.records import SEXES

FIELDS = ("name", "date_of_birth", "sex", "clinic_id")
REQUIRED = ("name", "date_of_birth")
# Header names recognised without a mapping (compared case-insensitively, spaces as "_").
SYNONYMS = {
    "name": ("name", "full_name", "patient_name", "patient"),
    "date_of_birth": ("date_of_birth", "dob", "birth_date", "birthdate", "born"),
    "sex": ("sex", "gender"),
    "clinic_id": ("clinic_id", "mrn", "patient_number", "hospital_number", "chart_number"),
}
SEX_WORDS = {
    "female": "female", "f": "female", "woman": "female",
    "male": "male", "m": "male", "man": "male",
    "other": "other", "unknown": "unknown", "": "unknown",
}  # fmt: skip
OWN_ID_SYSTEM = "urn:gluteal-assess:patient"  # our own database ID in a FHIR export: not reused


class ImportRefused(AppError):
    """The file cannot be imported as it is; nothing was written."""


@dataclass(frozen=True)
class NewPatient:
    line: int
    name: str
    date_of_birth: dt.date
    sex: str
    clinic_id: str = ""


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class Duplicate:
    patient: NewPatient
    existing_id: int | None  # the stored patient, or None when repeated in the file
    first_line: int | None = None  # the line it repeats

    def __str__(self) -> str:
        who = f"{self.patient.name} ({self.patient.date_of_birth.isoformat()})"
        if self.existing_id is not None:
            return f"line {self.patient.line}: {who} is already patient {self.existing_id}"
        return f"line {self.patient.line}: {who} repeats line {self.first_line}"


@dataclass(frozen=True)
class ImportPlan:
    kind: str  # "csv" or "fhir"
    mapping: dict[str, str]  # field -> column (CSV) or FHIR element
    new: tuple[NewPatient, ...]
    duplicates: tuple[Duplicate, ...]
    problems: tuple[Problem, ...]
    columns: tuple[str, ...] = field(default=())

    @property
    def can_apply(self) -> bool:
        return not self.problems


Existing = Callable[[NewPatient], int | None]  # the ID of a stored duplicate, or None


def parse_date(text: str) -> dt.date:
    """yyyy-mm-dd, or dd/mm/yyyy (day first, as the app shows dates)."""
    text = text.strip()
    match = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date (yyyy-mm-dd or dd/mm/yyyy)") from None


def _patient(line: int, values: Mapping[str, str]) -> NewPatient:
    """One patient from field values; ValueError with the reason if a value is unusable."""
    name = " ".join(values.get("name", "").split())
    if not name:
        raise ValueError("the name is empty")
    born_text = values.get("date_of_birth", "").strip()
    if not born_text:
        raise ValueError("the date of birth is empty")
    born = parse_date(born_text)
    if not dt.date(1900, 1, 1) <= born <= dt.date.today():
        raise ValueError(f"'{born_text}' is not a plausible date of birth")
    sex_text = values.get("sex", "").strip()
    sex = SEX_WORDS.get(sex_text.casefold())
    if sex is None:
        raise ValueError(f"sex '{sex_text}' is not one of {', '.join(SEXES)} (or F/M)")
    if any(ord(ch) < 32 for ch in name):
        raise ValueError("the name holds control characters")
    return NewPatient(line, name, born, sex, values.get("clinic_id", "").strip())


def _sort_duplicates(rows: Sequence[NewPatient], existing: Existing) -> ImportPlan:
    new: list[NewPatient] = []
    duplicates: list[Duplicate] = []
    seen: dict[object, int] = {}
    for row in rows:
        keys: list[tuple[object, ...]] = [("person", row.name.casefold(), row.date_of_birth)]
        if row.clinic_id:
            keys.append(("clinic_id", row.clinic_id.casefold()))
        repeated = next((seen[k] for k in keys if k in seen), None)
        if repeated is not None:
            duplicates.append(Duplicate(row, None, repeated))
            continue
        for key in keys:
            seen[key] = row.line
        stored = existing(row)
        if stored is not None:
            duplicates.append(Duplicate(row, stored))
        else:
            new.append(row)
    return ImportPlan("", {}, tuple(new), tuple(duplicates), ())


def default_mapping(columns: Sequence[str]) -> dict[str, str]:
    """Each field to the first column whose header is one of its usual names."""
    normal = {" ".join(c.split()).casefold().replace(" ", "_"): c for c in columns}
    mapping = {}
    for name, synonyms in SYNONYMS.items():
        column = next((normal[s] for s in synonyms if s in normal), None)
        if column is not None:
            mapping[name] = column
    return mapping


def _reader(data: bytes) -> tuple[Any, list[str]]:
    """A CSV reader past the header row, and the header's column names."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            f"line {line}: the file is not UTF-8 text; save it as CSV UTF-8."
        ) from None
    try:
        dialect: Any = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        columns = [c.strip() for c in next(reader)]
    except StopIteration:
        raise ImportRefused("line 1: the file is empty; it needs a header row.") from None
    return reader, columns


def csv_columns(data: bytes) -> list[str]:
    """The header row's column names (for a mapping dialog)."""
    return _reader(data)[1]


def plan_csv(
    data: bytes, existing: Existing, mapping: Mapping[str, str] | None = None
) -> ImportPlan:
    """An import plan for a CSV file (UTF-8, a header row, comma or semicolon separated)."""
    reader, columns = _reader(data)
    repeated = sorted({c for c in columns if columns.count(c) > 1 and c})
    if repeated:
        raise ImportRefused(f"line 1: the header names {', '.join(repeated)} more than once.")
    chosen = dict(mapping) if mapping is not None else default_mapping(columns)
    unknown = [f for f in chosen if f not in FIELDS]
    if unknown:
        raise ImportRefused(f"Unknown field(s) {', '.join(unknown)}; fields: {', '.join(FIELDS)}.")
    absent = [f"{f} -> '{c}'" for f, c in chosen.items() if c not in columns]
    if absent:
        raise ImportRefused(f"line 1: the header has no column for {', '.join(absent)}.")
    missing = [f for f in REQUIRED if f not in chosen]
    if missing:
        raise ImportRefused(
            f"line 1: no column for {', '.join(missing)}; map one (columns: {', '.join(columns)})."
        )
    index = {f: columns.index(c) for f, c in chosen.items()}
    rows: list[NewPatient] = []
    problems: list[Problem] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank line
            if len(record) != len(columns):
                problems.append(
                    Problem(line, f"{len(record)} fields where the header has {len(columns)}")
                )
                continue
            try:
                rows.append(_patient(line, {f: record[i] for f, i in index.items()}))
            except ValueError as exc:
                problems.append(Problem(line, str(exc)))
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, f"not valid CSV ({exc})"))
    sorted_rows = _sort_duplicates(rows, existing)
    return ImportPlan(
        "csv", chosen, sorted_rows.new, sorted_rows.duplicates, tuple(problems), tuple(columns)
    )


def _resource_lines(text: str) -> list[int]:
    """The line of each `"resourceType": "Patient"`, in order (json keeps no positions)."""
    return [
        text.count("\n", 0, m.start()) + 1
        for m in re.finditer(r'"resourceType"\s*:\s*"Patient"', text)
    ]


def _fhir_values(resource: Mapping[str, Any]) -> dict[str, str]:
    names = resource.get("name") or []
    if not isinstance(names, list) or not all(isinstance(n, dict) for n in names):
        raise ValueError("'name' must be a list of HumanName objects")
    official = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    given = official.get("given") or []
    name = official.get("text") or " ".join([*map(str, given), str(official.get("family") or "")])
    born = resource.get("birthDate")
    if born is not None and not isinstance(born, str):
        raise ValueError("'birthDate' must be text")
    gender = resource.get("gender", "unknown")
    if gender not in SEXES:
        raise ValueError(f"gender '{gender}' is not one of {', '.join(SEXES)}")
    clinic_id = ""
    for identifier in resource.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("system") != OWN_ID_SYSTEM:
            clinic_id = str(identifier.get("value") or "")
            break
    if born is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", born):
        raise ValueError(f"birthDate '{born}' is not a full date (yyyy-mm-dd)")
    return {"name": str(name), "date_of_birth": born or "", "sex": gender, "clinic_id": clinic_id}


def plan_fhir(data: bytes, existing: Existing) -> ImportPlan:
    """An import plan for a FHIR Patient resource, or a Bundle of them (JSON)."""
    try:
        text = data.decode("utf-8-sig")
        document = json.loads(text)
    except UnicodeDecodeError:
        raise ImportRefused("line 1: the file is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise ImportRefused(f"line {exc.lineno}: not valid JSON ({exc.msg}).") from None
    if not isinstance(document, dict) or document.get("resourceType") not in ("Patient", "Bundle"):
        raise ImportRefused("line 1: expected a FHIR Patient resource or a Bundle of them.")
    if document["resourceType"] == "Patient":
        patients = [document]
    else:
        entries = document.get("entry") or []
        resources = [e.get("resource") for e in entries if isinstance(e, dict)]
        patients = [
            r for r in resources if isinstance(r, dict) and r.get("resourceType") == "Patient"
        ]
        if not patients:
            raise ImportRefused("line 1: the Bundle holds no Patient resource.")
    lines = _resource_lines(text)
    rows: list[NewPatient] = []
    problems: list[Problem] = []
    for n, resource in enumerate(patients):
        line = lines[n] if n < len(lines) else 1
        try:
            rows.append(_patient(line, _fhir_values(resource)))
        except ValueError as exc:
            problems.append(Problem(line, f"Patient {n + 1}: {exc}"))
    sorted_rows = _sort_duplicates(rows, existing)
    mapping = {
        "name": "name",
        "date_of_birth": "birthDate",
        "sex": "gender",
        "clinic_id": "identifier",
    }
    return ImportPlan("fhir", mapping, sorted_rows.new, sorted_rows.duplicates, tuple(problems))
