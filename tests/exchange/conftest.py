"""The shipped knowledge base and its codes, loaded once, as the app loads them."""

from __future__ import annotations

import pytest

from desktop_app import paths
from desktop_app.app import App
from desktop_app.core.codes import Codes, load_codes
from desktop_app.core.knowledge import KnowledgeBase


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return App().knowledge_base()


@pytest.fixture(scope="session")
def codes(kb: KnowledgeBase) -> Codes:
    return load_codes(paths.KNOWLEDGE_BASE, kb)
