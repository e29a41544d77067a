"""Patient search: case- and accent-insensitive names in any script, dates of birth, identifiers."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from desktop_app.storage.repository import Repository
from desktop_app.storage.search import fold

NAMES = {
    "Zoë Łukasiewicz": ["zoe", "Zoë", "ZOE", "lukasiewicz", "Łukasiewicz", "łuk", "zoe luk"],
    "Γιώργος Παπαδόπουλος": ["γιωργος", "Γιώργος", "ΓΙΩΡΓΟΣ", "παπα", "Παπαδόπουλος γιω"],
    "山田 太郎": ["山田", "太郎", "山", "山田 太郎"],
    "Øyvind Straße-Ødegård": ["oyvind", "Øyvind", "strasse", "straße", "odegard"],
    "Siobhán O'Brien": ["siobhan", "o'brien", "obrien"],
}


@pytest.fixture
def people(repo: Repository) -> dict[str, int]:
    ids = {}
    for n, name in enumerate(NAMES):
        ids[name] = repo.create_patient(name, dt.date(1970 + n, 2, 3), "unknown", f"ID-{n}").id
    repo.create_patient("Zoey Smith", dt.date(1990, 1, 1), "female")
    return ids


def test_names_in_any_script_round_trip(repo: Repository, people: dict[str, int]) -> None:
    for name, patient_id in people.items():
        assert repo.get_patient(patient_id).name == name


@pytest.mark.parametrize(("name", "query"), [(n, q) for n, qs in NAMES.items() for q in qs])
def test_found_with_and_without_accents(
    repo: Repository, people: dict[str, int], name: str, query: str
) -> None:
    found = [p.id for p in repo.search_patients(query)]
    assert people[name] in found, query


def test_a_different_name_is_not_found(repo: Repository, people: dict[str, int]) -> None:
    assert [p.name for p in repo.search_patients("zoey")] == ["Zoey Smith"]
    assert repo.search_patients("nobody") == []
    assert repo.search_patients("太郎 山田")[0].name == "山田 太郎"


def test_by_date_of_birth_and_identifier(repo: Repository, people: dict[str, int]) -> None:
    zoe = people["Zoë Łukasiewicz"]
    assert [p.id for p in repo.search_patients("1970-02-03")] == [zoe]
    assert [p.id for p in repo.search_patients("03/02/1970")] == [zoe]
    assert [p.id for p in repo.search_patients("id-0")] == [zoe]


def test_empty_text_lists_the_latest_first(repo: Repository, people: dict[str, int]) -> None:
    latest = repo.search_patients("", limit=2)
    assert [p.name for p in latest] == ["Zoey Smith", "Siobhán O'Brien"]
    zoe = repo.get_patient(people["Zoë Łukasiewicz"])
    repo.update_patient(replace(zoe, contact="new phone"))
    assert repo.search_patients("", limit=1)[0].id == zoe.id


def test_renamed_patient_is_found_by_the_new_name_only(
    repo: Repository, people: dict[str, int]
) -> None:
    zoe = repo.get_patient(people["Zoë Łukasiewicz"])
    repo.update_patient(replace(zoe, name="Zoë Nowak"))
    assert zoe.id in [p.id for p in repo.search_patients("nowak")]
    assert zoe.id not in [p.id for p in repo.search_patients("lukasiewicz")]


def test_fold() -> None:
    assert fold("Zoë  ŁUKASIEWICZ") == "zoe lukasiewicz"
    assert fold("Γιώργος") == fold("γιωργος")
    assert fold("山田太郎") == "山 田 太 郎"
