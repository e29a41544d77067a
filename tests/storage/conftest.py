"""Fixtures: the tiny test knowledge base and a repository on a real SQLite file in tmp_path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient
from desktop_app.storage.repository import Repository
from tests.core.tiny_kb import tiny_kb


@pytest.fixture(scope="session")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    # Storage tests use the tiny knowledge base, so they never depend on shipped content.
    return tiny_kb(tmp_path_factory.mktemp("tiny_kb"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "visits.sqlite3"


@pytest.fixture
def repo(db_path: Path, kb: KnowledgeBase) -> Iterator[Repository]:
    repository = Repository.open(db_path, kb, actor="Dr Test")
    yield repository
    repository.close()


@pytest.fixture
def patient(repo: Repository) -> Patient:
    return repo.create_patient("Zoë Łukasiewicz", dt.date(1980, 5, 17), "female", "C-001")
