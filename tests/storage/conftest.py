"""Fixtures: the tiny test knowledge base and a repository on each engine: a real SQLite file in
tmp_path, and a fresh database on a real PostgreSQL server (a throw-away cluster, tests/pg_server).

A test that takes `repo` runs on both engines, unless it (or one of its fixtures) also takes
`db_path` or is marked `sqlite_only`: it reads or damages the SQLite file itself (or checks
what only a file has), so it runs on SQLite only.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient
from desktop_app.storage.repository import Repository
from tests import pg_server
from tests.core.tiny_kb import tiny_kb

ENGINES = ("sqlite", "postgresql")
ADMIN = pg_server.ADMIN
CLINICIAN = pg_server.CLINICIAN
_numbers = itertools.count(1)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames:
        return
    sqlite_only = "db_path" in metafunc.fixturenames or metafunc.definition.get_closest_marker(
        "sqlite_only"
    )
    engines = ["sqlite"] if sqlite_only else list(ENGINES)
    metafunc.parametrize("engine", engines, indirect=True)


@pytest.fixture(scope="session")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    # Storage tests use the tiny knowledge base, so they never depend on shipped content.
    return tiny_kb(tmp_path_factory.mktemp("tiny_kb"))


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_cluster(kb: KnowledgeBase) -> Iterator[pg_server.Cluster]:
    """One server for the session, with the admin and clinician roles and a migrated template."""
    with pg_server.clinic(kb) as cluster:
        yield cluster


def new_database(cluster: pg_server.Cluster, *, migrated: bool = True) -> str:
    """A fresh database owned by the admin role (migrated: a copy of the template)."""
    return pg_server.new_database(cluster, f"test_{next(_numbers)}", migrated=migrated)


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> str:
    """A fresh migrated database on the test server, as the clinician's connection URL."""
    cluster: pg_server.Cluster = request.getfixturevalue("pg_cluster")
    return cluster.url(new_database(cluster), CLINICIAN)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "visits.sqlite3"


@pytest.fixture
def repo(engine: str, tmp_path: Path, kb: KnowledgeBase, request: pytest.FixtureRequest):
    """The repository under test, on each engine in turn (see the module's docstring)."""
    if engine == "postgresql":
        repository = Repository.open_server(request.getfixturevalue("pg_url"), kb)
    else:
        repository = Repository.open(tmp_path / "data" / "visits.sqlite3", kb, actor=CLINICIAN)
    yield repository
    repository.close()


@pytest.fixture
def patient(repo: Repository) -> Patient:
    return repo.create_patient("Zoë Łukasiewicz", dt.date(1980, 5, 17), "female", "C-001")
