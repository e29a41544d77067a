"""Schema additions: nested conditions, prior modifiers, red-flag screens and safety nets, retired
prompts and items. Each malformed case names the file, the entry and the reason, and one load
reports every problem, not only the first."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.diagnosis import assess, visible
from desktop_app.core.errors import KnowledgeBaseError, KnowledgeBaseProblems
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.core.observations import Observations
from tests.core.tiny_kb import FILES, write_tiny_kb


def files() -> dict[str, Any]:
    return copy.deepcopy(FILES)


def condition(data: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(c for c in data["conditions.yaml"] if c["id"] == cid)


def flag(data: dict[str, Any], fid: str) -> dict[str, Any]:
    return next(f for f in data["red_flags.yaml"] if f["id"] == fid)


def load(tmp_path: Path, data: dict[str, Any]) -> KnowledgeBase:
    return load_knowledge_base(write_tiny_kb(tmp_path / "kb", data))


def problems(tmp_path: Path, data: dict[str, Any]) -> list[tuple[str, str, str]]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load(tmp_path, data)
    err = caught.value
    found = err.problems if isinstance(err, KnowledgeBaseProblems) else (err,)
    return [(p.file, p.entry, p.reason) for p in found]


def test_new_keys_load_into_the_model(tmp_path):
    data = files()
    condition(data, "beta")["parent"] = "alpha"
    condition(data, "alpha")["prior_modifiers"] = [
        {
            "when": {"answer": "age", "at_least": 60},
            "odds_ratio": 2.5,
            "estimate": True,
            "rationale": "more common with age",
        }
    ]
    hot = flag(data, "hot")
    hot["screen"] = ["fever", "test_b"]
    hot["safety_net"] = "Seek help today if you feel hot and shivery."
    hot["safety_net_when"] = {"answer": "sitting", "equals": "yes"}
    data["prompts.yaml"].append(
        {
            "id": "old_q",
            "topic": "Old",
            "question": "Old?",
            "answer_type": "yes_no",
            "retired": True,
        }
    )
    kb = load(tmp_path, data)
    assert kb.conditions["beta"].parent == "alpha"
    assert [c.id for c in kb.children_of("alpha")] == ["beta"]
    (modifier,) = kb.conditions["alpha"].prior_modifiers
    assert modifier.odds_ratio == 2.5 and modifier.estimate
    assert kb.red_flags["hot"].screen == ("fever", "test_b")
    assert kb.red_flags["hot"].safety_net.startswith("Seek help")
    assert kb.red_flags["hot"].safety_net_when is not None
    assert kb.prompts["old_q"].retired and kb.is_retired("answer", "old_q")


def test_a_retired_prompt_is_never_asked_nor_counted(tmp_path):
    data = files()
    data["prompts.yaml"].append(
        {
            "id": "old_q",
            "topic": "Old",
            "question": "Old?",
            "answer_type": "yes_no",
            "retired": True,
        }
    )
    data["presentations.yaml"][0]["prompts"].append("old_q")
    kb = load(tmp_path, data)
    assert "old_q" not in [p.id for p in kb.prompts_for(["pain"])]
    obs = Observations(("pain",), {"old_q": "yes", "sitting": "yes"})
    assert "old_q" not in visible(kb, obs).answers
    assert "old_q" in kb.prompts  # an old visit still renders its answer
    assert all(t.item_id != "old_q" for t in assess(kb, obs).next_tests)


def test_a_retired_exam_item_is_never_offered_nor_counted(tmp_path):
    data = files()
    next(i for i in data["exam_items.yaml"] if i["id"] == "test_b")["retired"] = True
    condition(data, "alpha")["links"].pop(1)  # the link reading test_b goes with it
    kb = load(tmp_path, data)
    assert "test_b" not in [i.id for i in kb.exam_items_for(["pain"])]
    obs = Observations(("pain",), exam={"test_b": {"none": "positive"}})
    assert "test_b" not in visible(kb, obs).exam


def test_a_link_may_not_read_a_retired_prompt(tmp_path):
    data = files()
    next(p for p in data["prompts.yaml"] if p["id"] == "sitting")["retired"] = True
    assert ("conditions.yaml", "beta > link 1", "prompt 'sitting' is retired: it is never asked "
            "or counted") in problems(tmp_path, data)  # fmt: skip


@pytest.mark.parametrize(
    ("parent", "reason"),
    [
        ("nowhere", "parent 'nowhere' is not a condition"),
        ("beta", "a condition cannot be its own parent"),
    ],
)
def test_a_parent_must_be_another_condition(tmp_path, parent, reason):
    data = files()
    condition(data, "beta")["parent"] = parent
    assert problems(tmp_path, data) == [("conditions.yaml", "beta", reason)]


def test_nesting_is_one_level_deep(tmp_path):
    data = files()
    condition(data, "beta")["parent"] = "alpha"
    condition(data, "gamma")["parent"] = "beta"
    (only,) = problems(tmp_path, data)
    assert only[:2] == ("conditions.yaml", "gamma")
    assert "has a parent of its own ('alpha')" in only[2] and "one level" in only[2]


def test_a_cycle_of_parents_is_refused(tmp_path):
    data = files()
    condition(data, "alpha")["parent"] = "beta"
    condition(data, "beta")["parent"] = "alpha"
    found = problems(tmp_path, data)
    assert {entry for _, entry, _ in found} == {"alpha", "beta"}
    assert all("cycle" in reason for _, _, reason in found)


def test_screen_ids_must_exist(tmp_path):
    data = files()
    flag(data, "hot")["screen"] = ["fever", "no_such_thing"]
    assert problems(tmp_path, data) == [
        ("red_flags.yaml", "hot", "screen: 'no_such_thing' is not a prompt or exam item")
    ]


def test_safety_net_when_needs_its_advice(tmp_path):
    data = files()
    flag(data, "hot")["safety_net_when"] = {"answer": "sitting", "equals": "yes"}
    assert problems(tmp_path, data) == [
        ("red_flags.yaml", "hot", "'safety_net_when' needs the 'safety_net' advice it gives")
    ]


def test_safety_net_when_references_are_checked(tmp_path):
    data = files()
    hot = flag(data, "hot")
    hot["safety_net"] = "Advice"
    hot["safety_net_when"] = {"answer": "missing_prompt", "equals": "yes"}
    assert problems(tmp_path, data) == [
        ("red_flags.yaml", "hot > safety_net_when", "unknown prompt 'missing_prompt'")
    ]


@pytest.mark.parametrize(
    ("modifier", "reason"),
    [
        (
            {"when": {"answer": "age", "at_least": 60}, "odds_ratio": 0, "source": "src"},
            "'odds_ratio' must be positive, got 0.0",
        ),
        (
            {"when": {"answer": "age", "at_least": 60}, "odds_ratio": 2},
            "a figure needs a 'source' or 'estimate: true' with a 'rationale'",
        ),
        (
            {"when": {"answer": "age", "at_least": 60}, "odds_ratio": 2, "source": "src", "x": 1},
            "unknown key(s) x",
        ),
    ],
)
def test_a_malformed_prior_modifier_names_entry_and_reason(tmp_path, modifier, reason):
    data = files()
    condition(data, "alpha")["prior_modifiers"] = [modifier]
    assert problems(tmp_path, data) == [("conditions.yaml", "alpha > prior modifier 1", reason)]


def test_a_prior_modifier_reference_is_checked(tmp_path):
    data = files()
    condition(data, "alpha")["prior_modifiers"] = [
        {"when": {"answer": "shoe_size", "at_least": 9}, "odds_ratio": 2, "source": "nope"}
    ]
    assert problems(tmp_path, data) == [
        ("conditions.yaml", "alpha > prior modifier 1", "unknown source 'nope' (add it to "
         "sources.yaml)"),
        ("conditions.yaml", "alpha > prior modifier 1", "unknown prompt 'shoe_size'"),
    ]  # fmt: skip


def test_every_reference_problem_is_reported_not_only_the_first(tmp_path):
    data = files()
    condition(data, "alpha")["parent"] = "nowhere"
    flag(data, "hot")["screen"] = ["ghost"]
    flag(data, "old")["conditions"] = ["phantom"]
    with pytest.raises(KnowledgeBaseProblems) as caught:
        load(tmp_path, data)
    err = caught.value
    assert [(p.file, p.entry) for p in err.problems] == [
        ("conditions.yaml", "alpha"),
        ("red_flags.yaml", "hot"),
        ("red_flags.yaml", "old"),
    ]
    message = str(err)
    assert message.startswith("3 problems in the knowledge base:")
    assert "'nowhere'" in message and "'ghost'" in message and "'phantom'" in message


def test_malformed_entries_in_several_files_are_all_reported(tmp_path):
    data = files()
    data["prompts.yaml"][0]["colour"] = "red"
    condition(data, "beta")["urgency"] = "whenever"
    flag(data, "hot")["retired"] = True  # red flags have no 'retired'
    found = problems(tmp_path, data)
    assert [(f, e) for f, e, _ in found] == [
        ("prompts.yaml", "sitting"),
        ("conditions.yaml", "beta"),
        ("red_flags.yaml", "hot"),
    ]
    assert "colour" in found[0][2] and "whenever" in found[1][2] and "retired" in found[2][2]
