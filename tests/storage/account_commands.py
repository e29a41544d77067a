"""Helpers for account command tests on both engines: a database to point --db at, opened again
to set up and check, and `main` run as a user runs it (PIN from GLUTEAL_ASSESS_PIN)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.app import main
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository
from tests.storage.conftest import CLINICIAN


@pytest.fixture
def target(engine: str, tmp_path: Path, kb: KnowledgeBase, request: pytest.FixtureRequest) -> str:
    """--db for the engine under test: a fresh server database or a created SQLite file."""
    if engine == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    path = tmp_path / "data" / "visits.sqlite3"
    Repository.open(path, kb, actor=CLINICIAN, create=True).close()
    return str(path)


def opened(target: str, kb: KnowledgeBase) -> Repository:
    if target.startswith("postgresql://"):
        return Repository.open_server(target, kb)
    return Repository.open(Path(target), kb, actor=CLINICIAN)


class Cli:
    """`main.py --db TARGET ARGS`, with the tiny knowledge base and the PIN (and a new PIN) a
    script gives in GLUTEAL_ASSESS_PIN (GLUTEAL_ASSESS_NEW_PIN)."""

    def __init__(self, target: str, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch):
        self.target, self.capsys, self.mp = target, capsys, mp

    def __call__(
        self, *argv: str, pin: str | None = None, new_pin: str | None = None
    ) -> tuple[int, str]:
        for name, value in (("GLUTEAL_ASSESS_PIN", pin), ("GLUTEAL_ASSESS_NEW_PIN", new_pin)):
            if value is None:
                self.mp.delenv(name, raising=False)
            else:
                self.mp.setenv(name, value)
        code = main(["--db", self.target, *argv])
        out = self.capsys.readouterr()
        assert "Traceback" not in out.out + out.err
        return code, out.out + out.err


@pytest.fixture
def cli(
    target: str,
    kb: KnowledgeBase,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Cli:
    monkeypatch.setattr("desktop_app.app.App.knowledge_base", lambda self: kb)
    return Cli(target, capsys, monkeypatch)
