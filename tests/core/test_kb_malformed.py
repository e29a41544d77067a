"""Each kind of malformed knowledge-base file is refused, naming the file and the entry."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from desktop_app import paths
from desktop_app.core.errors import KnowledgeBaseError
from desktop_app.core.knowledge import load_knowledge_base


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(paths.KNOWLEDGE_BASE, target)
    return target


def edit(directory: Path, name: str, change: Callable[[list[dict[str, Any]]], None]) -> None:
    """Load a list-of-entries file, let `change` break it, write it back."""
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def entry(data: list[dict[str, Any]], entry_id: str) -> dict[str, Any]:
    return next(e for e in data if e["id"] == entry_id)


def rejected(directory: Path) -> KnowledgeBaseError:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(directory)
    return caught.value


def test_the_unbroken_copy_loads(kb_dir):
    assert load_knowledge_base(kb_dir).conditions


def test_unknown_key(kb_dir):
    edit(kb_dir, "prompts.yaml", lambda d: entry(d, "current_pain").update(colour="red"))
    err = rejected(kb_dir)
    assert (err.file, err.entry) == ("prompts.yaml", "current_pain")
    assert "unknown key" in err.reason and "colour" in err.reason


def test_duplicate_id(kb_dir):
    edit(kb_dir, "conditions.yaml", lambda d: d.append(dict(entry(d, "coccydynia"))))
    err = rejected(kb_dir)
    assert (err.file, err.entry) == ("conditions.yaml", "coccydynia")
    assert "duplicate id" in err.reason


def test_duplicate_yaml_key(kb_dir):
    path = kb_dir / "prompts.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "- id: fever\n"
    assert marker in text
    path.write_text(
        text.replace(marker, marker + "  question: Twice?\n  question: Thrice?\n"), encoding="utf-8"
    )
    err = rejected(kb_dir)
    line = text[: text.index(marker)].count("\n") + 3
    assert (err.file, err.entry) == ("prompts.yaml", "fever")
    assert "'question' appears twice" in err.reason and f"line {line}" in err.reason


def test_invalid_yaml(kb_dir):
    path = kb_dir / "red_flags.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- id: [unclosed\n", encoding="utf-8")
    err = rejected(kb_dir)
    assert err.file == "red_flags.yaml" and err.entry.startswith("line ")
    assert "not valid YAML" in err.reason


def test_dangling_prompt_reference_in_a_presentation(kb_dir):
    edit(
        kb_dir,
        "presentations.yaml",
        lambda d: entry(d, "buttock_pain")["prompts"].append("no_such_prompt"),
    )
    err = rejected(kb_dir)
    assert (err.file, err.entry) == ("presentations.yaml", "buttock_pain")
    assert "no_such_prompt" in err.reason


def test_dangling_prompt_reference_in_a_finding(kb_dir):
    def change(d: list[dict[str, Any]]) -> None:
        entry(d, "coccydynia")["links"][0]["when"] = {"answer": "no_such_prompt", "equals": "yes"}

    edit(kb_dir, "conditions.yaml", change)
    err = rejected(kb_dir)
    assert (err.file, err.entry) == ("conditions.yaml", "coccydynia > link 1")
    assert "unknown prompt 'no_such_prompt'" in err.reason


def test_dangling_exam_reference_in_a_red_flag(kb_dir):
    edit(
        kb_dir,
        "red_flags.yaml",
        lambda d: entry(d, "hamstring_avulsion").update(when={"exam": "x_ray", "is": "positive"}),
    )
    err = rejected(kb_dir)
    assert (err.file, err.entry) == ("red_flags.yaml", "hamstring_avulsion")
    assert "unknown exam item 'x_ray'" in err.reason


def test_dangling_condition_reference_in_a_red_flag(kb_dir):
    edit(kb_dir, "red_flags.yaml", lambda d: entry(d, "fracture").update(conditions=["broken_leg"]))
    err = rejected(kb_dir)
    assert (err.file, err.entry) == ("red_flags.yaml", "fracture")
    assert "unknown condition 'broken_leg'" in err.reason


def test_dangling_condition_reference_in_an_accuracy_entry(kb_dir):
    edit(
        kb_dir,
        "exam_items.yaml",
        lambda d: entry(d, "slump")["accuracy"][0].update(target="disc_bulge"),
    )
    err = rejected(kb_dir)
    assert (err.file, err.entry) == ("exam_items.yaml", "slump")
    assert "disc_bulge" in err.reason


def test_dangling_source_reference(kb_dir):
    edit(
        kb_dir,
        "exam_items.yaml",
        lambda d: entry(d, "slump")["accuracy"][0].update(source="majlesi2099"),
    )
    err = rejected(kb_dir)
    assert (err.file, err.entry) == ("exam_items.yaml", "slump")
    assert "unknown source 'majlesi2099'" in err.reason


def test_missing_source_on_a_figure(kb_dir):
    def change(d: list[dict[str, Any]]) -> None:
        link = entry(d, "spinal_stenosis")["links"][0]
        assert link.pop("source") == "suri2010"

    edit(kb_dir, "conditions.yaml", change)
    err = rejected(kb_dir)
    assert (err.file, err.entry) == ("conditions.yaml", "spinal_stenosis > link 1")
    assert "needs a 'source' or 'estimate: true'" in err.reason


def test_estimate_without_rationale(kb_dir):
    edit(
        kb_dir,
        "conditions.yaml",
        lambda d: entry(d, "coccydynia")["priors"]["buttock_pain"].pop("rationale"),
    )
    err = rejected(kb_dir)
    assert (err.file, err.entry) == ("conditions.yaml", "coccydynia > prior buttock_pain")
    assert "an estimate needs a 'rationale'" in err.reason


def test_bad_answer_type(kb_dir):
    edit(kb_dir, "prompts.yaml", lambda d: entry(d, "fever").update(answer_type="slider"))
    err = rejected(kb_dir)
    assert (err.file, err.entry) == ("prompts.yaml", "fever")
    assert "'answer_type' is 'slider'" in err.reason


@pytest.mark.parametrize(
    ("file", "entry_id", "where", "change"),
    [
        (
            "conditions.yaml",
            "tumour",
            "tumour > prior buttock_pain",
            lambda e: e["priors"]["buttock_pain"].update(value=1.5),
        ),
        (
            "exam_items.yaml",
            "slr",
            "slr > accuracy 1",
            lambda e: e["accuracy"][0].update(sensitivity=92),
        ),
    ],
)
def test_probability_out_of_range(kb_dir, file, entry_id, where, change):
    edit(kb_dir, file, lambda d: change(entry(d, entry_id)))
    err = rejected(kb_dir)
    assert (err.file, err.entry) == (file, where)
    assert "between 0 and 1" in err.reason


def test_an_answer_the_prompt_cannot_give(kb_dir):
    edit(
        kb_dir,
        "red_flags.yaml",
        lambda d: entry(d, "hamstring_avulsion").update(
            when={"answer": "pop_and_bruising", "equals": "maybe"}
        ),
    )
    err = rejected(kb_dir)
    assert (err.file, err.entry) == ("red_flags.yaml", "hamstring_avulsion")
    assert "'maybe' is not an answer" in err.reason


def test_unknown_body_chart_region(kb_dir):
    def change(d: list[dict[str, Any]]) -> None:
        entry(d, "coccydynia")["links"][1]["when"] = {"mark": "pain", "regions": ["tail"]}

    edit(kb_dir, "conditions.yaml", change)
    err = rejected(kb_dir)
    assert (err.file, err.entry) == ("conditions.yaml", "coccydynia > link 2")
    assert "unknown body-chart region 'tail'" in err.reason
