"""The knowledge-base cache: used only while it matches the files, rebuilt when they change."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import paths
from desktop_app.core import kb_cache
from desktop_app.core.errors import KnowledgeBaseError
from desktop_app.core.knowledge import load_knowledge_base
from tests.core.tiny_kb import write_tiny_kb


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    return write_tiny_kb(tmp_path / "kb")


def _retitle(kb_dir: Path, title: str) -> None:
    manifest = kb_dir / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    lines = [f"title: {title}" if line.startswith("title:") else line for line in text.splitlines()]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_cached_knowledge_base_equals_the_loaded_one(kb_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = kb_cache.load(kb_dir, cache)
    assert kb_cache.cache_file(cache).is_file()
    again = kb_cache.load(kb_dir, cache)
    assert again == first == load_knowledge_base(kb_dir)


def test_a_cached_start_parses_no_yaml(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    kb_cache.load(paths.KNOWLEDGE_BASE, cache)
    script = (
        "import sys; from pathlib import Path; from desktop_app.core import kb_cache; "
        f"kb = kb_cache.load(Path({str(paths.KNOWLEDGE_BASE)!r}), Path({str(cache)!r})); "
        "print(len(kb.conditions), 'yaml' in sys.modules, 'desktop_app.core.knowledge.loader' in "
        "sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    conditions = len(load_knowledge_base(paths.KNOWLEDGE_BASE).conditions)
    assert out.stdout.split() == [str(conditions), "False", "False"]


def test_an_edited_file_is_read_again(kb_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert kb_cache.load(kb_dir, cache).title == "Tiny"
    _retitle(kb_dir, "Tiny, edited")
    assert kb_cache.load(kb_dir, cache).title == "Tiny, edited"
    assert kb_cache.load(kb_dir, cache).title == "Tiny, edited"


def test_a_file_turned_malformed_fails_even_with_a_cache(kb_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    kb_cache.load(kb_dir, cache)
    (kb_dir / "conditions.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"conditions\.yaml"):
        kb_cache.load(kb_dir, cache)
    with pytest.raises(KnowledgeBaseError):  # and nothing malformed was cached
        kb_cache.load(kb_dir, cache)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-10] + bytes(10),  # the tail overwritten
        lambda data: b"not a cache",
        lambda data: b"",
    ],
)
def test_a_damaged_cache_is_rebuilt(kb_dir: Path, tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    expected = kb_cache.load(kb_dir, cache)
    path = kb_cache.cache_file(cache)
    path.write_bytes(damage(path.read_bytes()))
    assert kb_cache.load(kb_dir, cache) == expected
    assert kb_cache.load(kb_dir, cache) == expected  # rewritten intact


def test_a_cache_of_another_knowledge_base_is_not_used(kb_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    other = tmp_path / "other"
    shutil.copytree(kb_dir, other)
    _retitle(other, "Other")
    kb_cache.load(other, cache)
    assert kb_cache.load(kb_dir, cache).title == "Tiny"


def test_an_unwritable_cache_folder_still_loads(kb_dir: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert kb_cache.load(kb_dir, blocked / "cache").title == "Tiny"
    assert kb_cache.load(kb_dir, None).title == "Tiny"
