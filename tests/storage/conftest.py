"""Fixtures: the tiny test knowledge base and a repository on each engine: a real SQLite file in
tmp_path, and a fresh database on a real PostgreSQL server (a throw-away cluster, tests/pg_server).

A test that takes `repo` runs on both engines, unless it (or one of its fixtures) also takes
`db_path` or is marked `sqlite_only`: it reads or damages the SQLite file itself (or checks
what only a file has), so it runs on SQLite only.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import Patient
from desktop_app.storage.repository import Repository
from tests import pg_server
from tests.core.tiny_kb import tiny_kb

ENGINES = ("sqlite", "postgresql")
ADMIN = "gluteal_admin"  # owns the databases and runs the migrations; never a superuser
CLINICIAN = "Dr Test"  # a clinician's own login role: the audit actor on the server
TEMPLATE = "gluteal_template"
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
    try:
        cluster = pg_server.start()
    except RuntimeError as exc:
        if os.environ.get("GLUTEAL_REQUIRE_POSTGRESQL"):
            pytest.fail(f"PostgreSQL is required here but cannot be started: {exc}")
        pytest.skip(f"no PostgreSQL server can be started: {exc}")
    import psycopg

    try:
        with psycopg.connect(cluster.url(), autocommit=True) as su:
            su.execute(f"CREATE ROLE {ADMIN} LOGIN CREATEDB")
            su.execute("CREATE ROLE gluteal_clinician NOLOGIN")
            su.execute(f'CREATE ROLE "{CLINICIAN}" LOGIN IN ROLE gluteal_clinician')
            su.execute(f"CREATE DATABASE {TEMPLATE} OWNER {ADMIN}")
        Repository.open_server(cluster.url(TEMPLATE, ADMIN), kb).close()
        yield cluster
    finally:
        cluster.stop()


def new_database(cluster: pg_server.Cluster, *, migrated: bool = True) -> str:
    """A fresh database owned by the admin role (migrated: a copy of the template)."""
    import psycopg

    name = f"test_{next(_numbers)}"
    template = TEMPLATE if migrated else "template0"
    with psycopg.connect(cluster.url(), autocommit=True) as su:
        su.execute(f"CREATE DATABASE {name} TEMPLATE {template} OWNER {ADMIN}")
    return name


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
