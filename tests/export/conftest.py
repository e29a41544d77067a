"""Fixtures: the shipped knowledge base and a folder for the PDFs of a session."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from tests.export import builders


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return builders.knowledge_base()


@pytest.fixture(scope="session")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf")
