"""Each case through the real engine on the tiny knowledge base: rank, red-flag level, invalid."""

from dataclasses import dataclass

import pytest

from desktop_app.validation.case_file import load_case
from desktop_app.validation.scoring import best_rank, ranked_rows, score_case
from tests.validation.cases import FEVER_ON_STEROID, SITTING, write_case


def score(kb, tmp_path, answers, **header):
    return score_case(kb, load_case(write_case(tmp_path, "case.yaml", answers, **header)), False)


def test_the_leading_diagnosis_is_a_top1_hit(kb, tmp_path):
    result = score(kb, tmp_path, SITTING)
    assert (result.rank, result.top1, result.top3, result.hit) == (1, True, True, True)
    assert result.leader == "beta"
    assert not result.false_alarm


def test_a_co_diagnosis_from_accept_counts(kb, tmp_path):
    assert score(kb, tmp_path, SITTING, diagnosis=["gamma"], accept=["beta"]).rank == 1
    assert score(kb, tmp_path, SITTING, diagnosis=["gamma"]).rank == 3


@pytest.mark.parametrize(
    ("expected", "recalled"), [("emergency", False), ("urgent", True), ("routine", True)]
)
def test_an_urgent_flag_recalls_urgent_and_routine_cases_but_not_emergency_ones(
    kb, tmp_path, expected, recalled
):
    result = score(kb, tmp_path, FEVER_ON_STEROID, diagnosis=["gamma"], expected_red_flag=expected)
    assert result.fired_red_flag == "urgent"
    assert result.fired_flags == ("hot",)
    assert result.red_flag_recalled is recalled
    assert result.hit is recalled  # gamma leads on fever: top-3
    assert not result.false_alarm


def test_an_urgent_flag_on_a_case_expecting_none_is_a_false_alarm(kb, tmp_path):
    result = score(kb, tmp_path, FEVER_ON_STEROID, expected_red_flag="none")
    assert result.false_alarm
    assert result.red_flag_recalled is None


def test_no_flag_on_a_case_expecting_one_is_not_recalled(kb, tmp_path):
    result = score(kb, tmp_path, SITTING, expected_red_flag="routine")
    assert (result.fired_red_flag, result.red_flag_recalled, result.hit) == ("none", False, False)


def test_a_diagnosis_the_kb_does_not_hold_is_a_miss_not_a_crash(kb, tmp_path):
    result = score(kb, tmp_path, SITTING, diagnosis=["delta"])
    assert result.valid
    assert (result.rank, result.top3, result.hit) == (None, False, False)
    assert result.not_in_kb == ("delta",)
    assert result.leader == "beta"


def test_unknown_answer_or_exam_ids_make_the_case_invalid_naming_them(kb, tmp_path):
    path = write_case(tmp_path, "case.yaml", {"sitting": "yes", "sex": "male", "bmi": 30})
    case = load_case(path)
    case.case["exam"] = {"no_such_test": "positive"}  # type: ignore[index]
    result = score_case(kb, case, False)
    assert (
        result.invalid == "unknown history prompts bmi, sex; unknown examination item no_such_test"
    )
    assert not result.hit


def test_a_value_the_kb_does_not_accept_makes_the_case_invalid(kb, tmp_path):
    result = score(kb, tmp_path, {"sitting": "maybe"})
    assert (
        result.invalid is not None
        and "'maybe' is not a valid answer to 'sitting'" in result.invalid
    )


@dataclass(frozen=True)
class NestedRow:
    """A row as the engine gives it once ConditionResult gains `parent`."""

    condition_id: str
    name: str
    parent: str | None = None


NESTED = [
    NestedRow("hip", "Hip joint"),
    NestedRow("oa", "Osteoarthritis", parent="hip"),
    NestedRow("fai", "Impingement", parent="hip"),
    NestedRow("disc", "Disc"),
]


def test_nested_rows_rank_groups_and_their_leading_child():
    rows = ranked_rows(NESTED)
    assert [(r.condition_id, r.hit_ids) for r in rows] == [
        ("hip", ("hip", "oa")),
        ("disc", ("disc",)),
    ]
    assert best_rank(rows, ["oa"]) == 1
    assert best_rank(rows, ["hip"]) == 1
    assert best_rank(rows, ["fai"]) is None  # in the group, but not its leader
    assert best_rank(rows, ["fai", "disc"]) == 2


def test_rows_without_a_parent_are_ranked_as_the_engine_orders_them(kb):
    from desktop_app.core.diagnosis import assess
    from desktop_app.core.observations import Observations

    conditions = assess(kb, Observations(("pain",), {"sitting": "yes"})).conditions
    rows = ranked_rows(conditions)
    assert [r.condition_id for r in rows] == [c.condition_id for c in conditions]
    assert all(r.hit_ids == (r.condition_id,) for r in rows)


def test_a_retired_prompt_makes_the_case_invalid(tmp_path):
    import copy

    from desktop_app.core.knowledge import load_knowledge_base
    from tests.core.tiny_kb import FILES, write_tiny_kb

    prompts = copy.deepcopy(FILES["prompts.yaml"])
    prompts.append(
        {
            "id": "old",
            "topic": "Old",
            "question": "Split?",
            "answer_type": "yes_no",
            "retired": True,
        }
    )
    presentations = copy.deepcopy(FILES["presentations.yaml"])
    presentations[0]["prompts"].append("old")
    kb = load_knowledge_base(
        write_tiny_kb(
            tmp_path / "kb", {"prompts.yaml": prompts, "presentations.yaml": presentations}
        )
    )
    result = score(kb, tmp_path, {"sitting": "yes", "old": "yes"})
    assert result.invalid == "retired history prompt old"
