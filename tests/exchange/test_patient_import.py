"""Patient import: CSV and FHIR, previewed first, duplicates reported, bad rows named with their
line and reason, and nothing written unless the whole file is sound and confirmed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop_app.app import App, main
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository
from tests.exchange.builders import Clinic, clinic


def patients(db: Path) -> list[tuple[str, str, str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT name, date_of_birth, sex, clinic_id FROM patients ORDER BY name"
        ).fetchall()
    finally:
        conn.close()


def audit_count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    finally:
        conn.close()


def run(db: Path, *args: str) -> int:
    return main(["import-patients", *args, "--db", str(db)])


@pytest.fixture()
def empty_db(tmp_path: Path, kb: KnowledgeBase) -> Path:
    path = tmp_path / "new.sqlite3"
    Repository.open(path, kb).close()
    return path


def test_csv_round_trip_gives_the_same_patients(tmp_path: Path, kb: KnowledgeBase) -> None:
    source = tmp_path / "source.sqlite3"
    Repository.open(source, kb).close()
    assert (
        main(["demo-data", "--patients", "12", "--visits-per-patient", "2", "--db", str(source)])
        == 0
    )
    exported = tmp_path / "visits.csv"
    assert main(["export-csv", "--from", "1900-01-01", "--to", "2100-01-01",
                 "--out", str(exported), "--db", str(source)]) == 0  # fmt: skip

    target = tmp_path / "target.sqlite3"
    Repository.open(target, kb).close()
    assert run(target, str(exported), "--yes") == 0
    assert patients(target) == patients(source)
    with Repository.open(target, kb) as repo:
        entry = repo.audit_trail("patient", "")[-1]
    assert (entry.action, entry.detail) == ("import", "csv: 12 added, 12 duplicate(s) skipped")

    assert run(target, str(exported), "--yes") == 0  # a second import adds nobody
    assert len(patients(target)) == 12


def test_preview_writes_nothing_and_reports_duplicates(
    tmp_path: Path, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded: Clinic = clinic(tmp_path / "clinic.sqlite3", kb)
    before, entries = patients(recorded.path), audit_count(recorded.path)
    csv_file = tmp_path / "in.csv"
    csv_file.write_text(
        "Full name;DOB;Gender;MRN\n"
        "Ada Lovelace;10/12/1985;F;X-9\n"
        "zoë łukasiewicz;1970-03-14;female;\n"  # already stored (name and date of birth)
        "Ada  Lovelace;1985-12-10;f;\n",  # repeats line 2
        encoding="utf-8",
    )
    assert run(recorded.path, str(csv_file)) == 0
    out = capsys.readouterr().out
    assert "name <- Full name, date_of_birth <- DOB, sex <- Gender, clinic_id <- MRN" in out
    assert "1 new patient(s), 2 duplicate(s) skipped, 0 row(s) with problems" in out
    assert f"line 3: zoë łukasiewicz (1970-03-14) is already patient {recorded.patient_id}" in out
    assert "line 4: Ada Lovelace (1985-12-10) repeats line 2" in out
    assert "Preview only: nothing was written" in out
    assert patients(recorded.path) == before and audit_count(recorded.path) == entries

    assert run(recorded.path, str(csv_file), "--yes") == 0
    assert ("Ada Lovelace", "1985-12-10", "female", "X-9") in patients(recorded.path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,date_of_birth,sex\nAda,1985-12-10,female\nBob,31/02/1990,male\n",
         "line 3: '31/02/1990' is not a date"),
        ("name,date_of_birth,sex\nAda,1985-12-10,female\n,1990-01-01,male\n",
         "line 3: the name is empty"),
        ("name,date_of_birth,sex\nAda,1985-12-10,female\nBob,1990-01-01,robot\n",
         "line 3: sex 'robot' is not one of"),
        ("name,date_of_birth,sex\nAda,1985-12-10,female\nBob,1990-01-01\n",
         "line 3: 2 fields where the header has 3"),
        ("name,date_of_birth,sex\nAda,1985-12-10,female\nBob,2190-01-01,male\n",
         "line 3: '2190-01-01' is not a plausible date of birth"),
    ],
)  # fmt: skip
def test_a_bad_csv_row_is_named_and_nothing_is_written(
    empty_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(content, encoding="utf-8")
    entries = audit_count(empty_db)
    assert run(empty_db, str(csv_file), "--yes") == 1
    out = capsys.readouterr().out
    assert f"error {message}" in out
    assert "Nothing was written" in out
    assert patients(empty_db) == [] and audit_count(empty_db) == entries


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfename\n", "line 1: the file is not UTF-8 text"),
        (b"", "line 1: the file is empty"),
        (b"surname,birth\nX,1990-01-01\n", "line 1: no column for name, date_of_birth"),
        (b"name,name,date_of_birth\n", "line 1: the header names name more than once"),
    ],
)
def test_a_malformed_csv_file_is_refused(
    empty_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    csv_file = tmp_path / "bad.csv"
    csv_file.write_bytes(content)
    assert run(empty_db, str(csv_file), "--yes") == 2
    assert message in capsys.readouterr().err
    assert patients(empty_db) == []


def test_a_column_mapping_overrides_the_guess(empty_db: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "other.csv"
    csv_file.write_text("Nom,Naissance,Sexe\nJeanne Dupont,01/02/1960,F\n", encoding="utf-8")
    assert run(empty_db, str(csv_file), "--yes") == 2  # no name column recognised
    args = ["--map", "name=Nom", "--map", "date_of_birth=Naissance", "--map", "sex=Sexe"]
    assert run(empty_db, str(csv_file), *args, "--yes") == 0
    assert patients(empty_db) == [("Jeanne Dupont", "1960-02-01", "female", "")]


def test_fhir_patient_resource_and_exported_bundle(
    tmp_path: Path, kb: KnowledgeBase, empty_db: Path
) -> None:
    single = tmp_path / "patient.json"
    single.write_text(json.dumps({
        "resourceType": "Patient",
        "identifier": [{"system": "http://hospital.example/mrn", "value": "H-77"}],
        "name": [{"use": "official", "family": "Nakamura", "given": ["Aiko"]}],
        "gender": "female",
        "birthDate": "1992-07-01",
    }), encoding="utf-8")  # fmt: skip
    assert run(empty_db, str(single), "--yes") == 0
    assert patients(empty_db) == [("Aiko Nakamura", "1992-07-01", "female", "H-77")]

    recorded = clinic(tmp_path / "clinic.sqlite3", kb)
    bundle = tmp_path / "bundle.json"
    assert main(["export-fhir", "--patient", str(recorded.patient_id), "--out", str(bundle),
                 "--db", str(recorded.path)]) == 0  # fmt: skip
    assert run(empty_db, str(bundle), "--yes") == 0
    assert ("Zoë Łukasiewicz", "1970-03-14", "female", "C-1") in patients(empty_db)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ('{"resourceType": "Patient",\n "gender": "female",\n', "line 3: not valid JSON"),
        ('{"resourceType": "Observation"}', "expected a FHIR Patient resource or a Bundle"),
        ('{"resourceType": "Bundle", "type": "collection", "entry": [\n'
         ' {"resource": {"resourceType": "Patient", "name": [{"text": "A B"}],'
         ' "birthDate": "1980-01-01"}},\n'
         ' {"resource": {"resourceType": "Patient", "name": [{"text": "C D"}],'
         ' "birthDate": "1980"}}]}',
         "line 3: Patient 2: birthDate '1980' is not a full date"),
        ('{"resourceType": "Patient", "name": [{"text": "E F"}], "birthDate": "1980-01-01",'
         ' "gender": "woman"}', "line 1: Patient 1: gender 'woman' is not one of"),
    ],
)  # fmt: skip
def test_a_malformed_fhir_file_is_refused_with_line_and_reason(
    empty_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    document: str,
    message: str,
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(document, encoding="utf-8")
    assert run(empty_db, str(path), "--yes") in (1, 2)
    captured = capsys.readouterr()
    assert message in captured.out + captured.err
    assert patients(empty_db) == []


def test_import_is_refused_by_a_read_only_database(empty_db: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("name,date_of_birth\nAda,1985-12-10\n", encoding="utf-8")
    app = App(db=empty_db)
    with app.open_repository(read_only=True) as repo:
        from desktop_app.core.errors import StorageError
        from desktop_app.exchange.service import apply_patient_import, plan_patient_import

        plan = plan_patient_import(repo, csv_file.read_bytes(), "csv")
        with pytest.raises(StorageError):
            apply_patient_import(repo, plan)
    assert patients(empty_db) == []
