import pytest

from desktop_app import paths
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from tests.core.tiny_kb import tiny_kb


@pytest.fixture(scope="session")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return tiny_kb(tmp_path_factory.mktemp("tiny_kb"))


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    """The shipped knowledge base, loaded once per module (the red-flag rule tests use it)."""
    return load_knowledge_base(paths.KNOWLEDGE_BASE)
