"""The knowledge-base lock (one version, one content) and renamed IDs (old visits render)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from desktop_app import paths
from desktop_app.core.diagnosis import assess
from desktop_app.core.errors import KnowledgeBaseError
from desktop_app.core.knowledge import load_knowledge_base
from desktop_app.core.knowledge.lock import LOCK_FILE, add_to_lock, lock_problem, read_lock
from desktop_app.core.observations import Observations
from desktop_app.core.visibility import displayed
from tests.core.tiny_kb import FILES, write_tiny_kb


def test_the_shipped_content_matches_its_locked_version():
    kb = load_knowledge_base(paths.KNOWLEDGE_BASE)
    assert lock_problem(kb, paths.KNOWLEDGE_BASE) is None


def _tiny(directory: Path, version: str = "test-1", lr: float = 5.0) -> Path:
    data: dict[str, Any] = copy.deepcopy(FILES)
    data["manifest.yaml"] = {"version": version, "title": "Tiny"}
    beta = next(c for c in data["conditions.yaml"] if c["id"] == "beta")
    beta["links"][0]["lr_pos"] = lr
    return write_tiny_kb(directory, data)


def test_a_content_change_without_a_version_bump_is_caught(tmp_path):
    directory = _tiny(tmp_path / "kb")
    assert "not in kb.lock" in (lock_problem(load_knowledge_base(directory), directory) or "")
    assert add_to_lock(load_knowledge_base(directory), directory)
    assert lock_problem(load_knowledge_base(directory), directory) is None

    _tiny(directory, lr=6.0)  # a clinical edit, same version
    changed = load_knowledge_base(directory)
    problem = lock_problem(changed, directory) or ""
    assert "content changed" in problem and "bump `version`" in problem
    with pytest.raises(KnowledgeBaseError, match="already pinned"):
        add_to_lock(changed, directory)

    _tiny(directory, version="test-2", lr=6.0)  # bumped: pinned next to the old line
    bumped = load_knowledge_base(directory)
    assert add_to_lock(bumped, directory)
    assert lock_problem(bumped, directory) is None
    assert list(read_lock(directory)) == ["test-1", "test-2"]
    assert not add_to_lock(bumped, directory)  # idempotent


def test_a_malformed_lock_names_its_line(tmp_path):
    directory = _tiny(tmp_path / "kb")
    (directory / LOCK_FILE).write_text("# comment\ntest-1 abc\ntest-1 def\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        read_lock(directory)
    assert (caught.value.file, caught.value.entry) == (LOCK_FILE, "line 3")


def _renamed(directory: Path, renamed: dict[str, Any]) -> Path:
    data: dict[str, Any] = copy.deepcopy(FILES)
    data["manifest.yaml"] = {"version": "test-1", "title": "Tiny", "renamed": renamed}
    return write_tiny_kb(directory, data)


def test_an_answer_stored_under_a_renamed_id_still_counts_and_renders(tmp_path):
    kb = load_knowledge_base(
        _renamed(tmp_path / "kb", {"prompts": {"sits_badly": "sitting"}, "exam_items": {}})
    )
    old_visit = Observations(("pain",), {"sits_badly": "yes"})
    assert displayed(kb, old_visit).answers == {"sitting": "yes"}
    beta = next(c for c in assess(kb, old_visit).conditions if c.condition_id == "beta")
    assert [f.label for f in beta.supporting] == ["Pain sitting"]
    assert kb.current_id("answer", "sits_badly") == "sitting"
    assert kb.current_id("answer", "fever") == "fever"


@pytest.mark.parametrize(
    ("renamed", "entry", "reason"),
    [
        ({"prompts": {"old": "nowhere"}}, "renamed > prompts > old", "'nowhere' is not in"),
        ({"prompts": {"fever": "sitting"}}, "renamed > prompts > fever", "'fever' still exists"),
        ({"symptoms": {"a": "b"}}, "(file)", "'renamed' takes prompts, exam_items, conditions"),
    ],
)
def test_a_bad_rename_names_file_entry_and_reason(tmp_path, renamed, entry, reason):
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(_renamed(tmp_path / "kb", renamed))
    err = caught.value
    assert (err.file, err.entry) == ("manifest.yaml", entry)
    assert reason in err.reason
