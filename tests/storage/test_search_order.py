"""Patient search lists matches in name order, from the prefix index of migration 0002."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

from sqlite_utils import Database

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.database import migration_names, migrations
from desktop_app.storage.repository import Repository
from desktop_app.storage.search import fold

BORN = dt.date(1980, 1, 1)
# Created in an order unrelated to name order, so insertion order cannot pass for name order.
NAMES = [
    "Kowalczyk Zofia",
    "Anna Kowalczyk",
    "Kowal Jan",
    "Åsa Kowalski",
    "Ólafur Kóp",
    "Kwame Okafor",
    "Bob Smith",
    "Kowalczyk Adam",
    "Ana Kow",
    "kowalczyk anna",
]


def _names(repo: Repository, text: str, limit: int = 50) -> list[str]:
    return [p.name for p in repo.search_patients(text, limit)]


def _in_name_order(names: list[str]) -> list[str]:
    return sorted(names, key=fold)


def test_every_keystroke_lists_matches_in_name_order(repo: Repository) -> None:
    for name in NAMES:
        repo.create_patient(name, BORN, "unknown")
    expected = {
        "k": [n for n in NAMES if n != "Bob Smith"],
        "ko": [n for n in NAMES if any(w.lower().startswith(("ko", "kó")) for w in n.split())],
        "kow": [n for n in NAMES if "kow" in n.lower()],
        "kowal": [n for n in NAMES if "kowal" in n.lower()],
        "kowalc": [n for n in NAMES if "kowalc" in n.lower()],
        "kowalczyk": [n for n in NAMES if "kowalczyk" in n.lower()],
    }
    for typed, matching in expected.items():
        assert _names(repo, typed) == _in_name_order(matching), typed


def test_the_limit_keeps_the_first_names_not_the_oldest(repo: Repository) -> None:
    for n in range(30, 0, -1):  # the oldest patients have the last names
        repo.create_patient(f"Patient Kowal{n:02d}", BORN, "unknown")
    assert _names(repo, "kowal", limit=3) == [
        "Patient Kowal01",
        "Patient Kowal02",
        "Patient Kowal03",
    ]
    assert _names(repo, "pat kowal2", limit=2) == ["Patient Kowal20", "Patient Kowal21"]


def test_same_names_in_the_order_they_were_added(repo: Repository) -> None:
    ids = [repo.create_patient("Zoë Łukasiewicz", BORN, "female").id for _ in range(3)]
    repo.create_patient("Zoe Adams", BORN, "female")
    found = repo.search_patients("zoe")
    assert [p.name for p in found] == ["Zoe Adams", *["Zoë Łukasiewicz"] * 3]
    assert [p.id for p in found[1:]] == ids


def test_every_typed_word_must_match_a_word_of_the_name(repo: Repository) -> None:
    for name in ("Anna Kowalczyk", "Anna Nowak", "Jan Kowalczyk", "Joanna Kowalczyk"):
        repo.create_patient(name, BORN, "unknown")
    assert _names(repo, "kowalczyk anna") == ["Anna Kowalczyk"]
    assert _names(repo, "an kow") == ["Anna Kowalczyk"]  # "Joanna" does not start with "an"
    assert _names(repo, "nna") == []  # words match from their start only


def test_wildcards_typed_are_plain_letters(repo: Repository) -> None:
    repo.create_patient("Ada Under_score", BORN, "unknown")
    repo.create_patient("Ada Underxscore", BORN, "unknown")
    assert _names(repo, "under_s") == ["Ada Under_score"]
    assert _names(repo, "%") == []


def test_a_renamed_patient_moves_in_the_order(repo: Repository) -> None:
    first = repo.create_patient("Kowal Zenon", BORN, "male")
    repo.create_patient("Kowal Marek", BORN, "male")
    repo.update_patient(replace(first, name="Kowal Adam"))
    assert _names(repo, "kowal") == ["Kowal Adam", "Kowal Marek"]
    assert _names(repo, "zen") == []


def test_same_date_of_birth_in_name_order(repo: Repository) -> None:
    for name in ("Zed Last", "Amy First", "Mia Middle"):
        repo.create_patient(name, BORN, "unknown")
    assert _names(repo, "1980-01-01") == ["Amy First", "Mia Middle", "Zed Last"]


def test_patients_saved_before_the_index_are_found_after_upgrading(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database(sqlite3.connect(path))
    migrations().apply(old, stop_before=[n for n in migration_names() if n >= "0002"])
    stamp = "2025-03-01T09:00:00+00:00"
    for patient_id, name in ((1, "Zoë Łukasiewicz"), (2, "山田 太郎"), (3, "Anna Kowalczyk")):
        old.execute(
            "INSERT INTO patients (id, name, date_of_birth, sex, search_name, created_at, "
            "updated_at) VALUES (?, ?, '1980-05-17', 'female', ?, ?, ?)",
            [patient_id, name, fold(name), stamp, stamp],
        )
    old.conn.commit()
    old.conn.close()
    with Repository.open(path, kb) as repo:
        assert _names(repo, "łuk") == ["Zoë Łukasiewicz"]
        assert _names(repo, "山田") == ["山田 太郎"]
        assert _names(repo, "a") == ["Anna Kowalczyk"]
