import pytest

from desktop_app.core.knowledge import KnowledgeBase
from tests.core.tiny_kb import tiny_kb


@pytest.fixture(scope="session")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return tiny_kb(tmp_path_factory.mktemp("tiny_kb"))
