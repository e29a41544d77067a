"""A validation case file's header is checked strictly; a malformed one names file and reason."""

import json
import subprocess
import sys

import pytest
import yaml

from desktop_app.validation.case_file import CaseFileError, load_case, load_cases
from tests.validation.cases import SITTING, write_case, write_project


def test_a_well_formed_case_keeps_its_header_and_its_assess_part(tmp_path):
    path = write_case(tmp_path, "c.yaml", SITTING, accept=["alpha", "beta"])
    case = load_case(path)
    assert case.name == "c.yaml"
    assert case.header.accepted == ("beta", "alpha")
    assert case.header.source.doi == "10.0000/test"
    assert "header" not in case.case
    assert case.case["answers"] == SITTING


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"diagnosis": "beta"}, "diagnosis: must be a list of condition IDs"),
        ({"diagnosis": []}, "diagnosis: needs at least one condition ID"),
        ({"expected_red_flag": "high"}, "expected_red_flag is 'high'; expected one of emergency"),
        ({"expected_red_flag": None}, "header: missing 'expected_red_flag'"),
        ({"sumary": "typo"}, "header: unknown key(s) 'sumary'"),
        ({"source": {"citation": "A. B. 2020."}}, "source: needs a doi or a url"),
        ({"source": {"citation": "A", "url": "x", "kind": "blog"}}, "kind is 'blog'"),
        ({"accept": ["Not An Id"]}, "accept: 'Not An Id' is not a condition ID"),
    ],
)
def test_a_malformed_header_is_refused_with_file_and_reason(tmp_path, changes, reason):
    path = write_case(tmp_path, "bad.yaml", SITTING, **changes)
    with pytest.raises(CaseFileError) as caught:
        load_case(path)
    assert str(path) in str(caught.value)
    assert reason in str(caught.value)


def test_every_malformed_file_is_named_at_once(tmp_path):
    write_case(tmp_path, "a.yaml", SITTING, expected_red_flag="maybe")
    write_case(tmp_path, "b.yaml", SITTING)
    (tmp_path / "c.yaml").write_text("answers: {sitting: 'yes'}\nexams: {}\n", encoding="utf-8")
    with pytest.raises(CaseFileError) as caught:
        load_cases(tmp_path)
    assert [p.split(":")[0].rsplit("/", 1)[-1] for p in caught.value.problems] == [
        "a.yaml",
        "c.yaml",
    ]
    assert "unknown top-level key(s) 'exams'" in caught.value.problems[1]


def test_validate_reports_a_bad_header_without_a_traceback(tmp_path):
    kb_dir, cases = write_project(tmp_path)
    write_case(cases, "no_source.yaml", SITTING, source={"citation": "Someone 2020"})
    result = subprocess.run(
        [sys.executable, "main.py", "validate", "--cases", str(cases), "--kb", str(kb_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{cases / 'no_source.yaml'}: header: source: needs a doi or a url" in result.stderr


def test_assess_reads_a_validation_case_file_and_ignores_its_header(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(
        "header: {summary: ignored by assess}\n"
        "presentations: [buttock_pain]\n"
        "answers: {lateral_hip_pain: 'yes'}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "main.py", "assess", str(case)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "1. " in result.stdout


def write_exam_case(folder, name, exam):
    """A well-formed case (tiny KB) whose `exam:` section is `exam`."""
    path = write_case(folder, name, SITTING)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["exam"] = exam
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_sided_result_may_be_recorded_with_the_side_not_stated(tmp_path):
    path = write_exam_case(tmp_path, "c.yaml", {"test_a": {"not_stated": "positive"}})
    assert load_case(path).case["exam"] == {"test_a": {"not_stated": "positive"}}


@pytest.mark.parametrize(
    ("exam", "reason"),
    [
        ({"test_a": {"either": "positive"}}, "exam: test_a: side 'either' is not one of left"),
        ({"test_a": {"both": "positive"}}, "exam: test_a: side 'both' is not one of left"),
        (
            {"test_a": {"left": "negative", "not_stated": "positive"}},
            "exam: test_a: side 'not_stated' stands alone",
        ),
        (["test_a"], "exam: must be a mapping of examination item IDs"),
    ],
)
def test_a_malformed_exam_side_is_refused_with_file_entry_and_reason(tmp_path, exam, reason):
    path = write_exam_case(tmp_path, "bad.yaml", exam)
    with pytest.raises(CaseFileError) as caught:
        load_case(path)
    assert f"{path}: {reason}" in str(caught.value)


def test_side_not_stated_on_an_item_that_is_not_sided_makes_the_case_invalid(tmp_path):
    from desktop_app.core.knowledge import load_knowledge_base
    from desktop_app.validation.scoring import score_case

    kb_dir, cases = write_project(tmp_path)
    path = write_exam_case(cases, "unsided.yaml", {"test_b": {"not_stated": "positive"}})
    result = score_case(load_knowledge_base(kb_dir), load_case(path), held_out=False)
    assert result.invalid and "takes side none, not 'not_stated'" in result.invalid


def assess(tmp_path, exam, *options):
    case = tmp_path / "case.yaml"
    case.write_text(
        "presentations: [buttock_pain]\n"
        "answers: {age_years: 23, running_sport: 'yes'}\n"
        f"exam: {exam}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "main.py", "assess", str(case), *options],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_assess_says_side_not_stated_and_counts_it_as_a_positive_side(tmp_path):
    text = assess(tmp_path, "{hop_test_pain: {not_stated: positive}}")
    assert "Single-leg hop test: positive, side not stated" in text
    assert "side not stated" not in assess(tmp_path, "{hop_test_pain: {left: positive}}")
    unsided = json.loads(assess(tmp_path, "{hop_test_pain: {not_stated: positive}}", "--json"))
    left = json.loads(assess(tmp_path, "{hop_test_pain: {left: positive}}", "--json"))
    untested = json.loads(assess(tmp_path, "{}", "--json"))
    assert unsided == left
    assert unsided["conditions"] != untested["conditions"]


def write_marks_case(folder, name, marks):
    """A well-formed case (tiny KB) whose `marks:` section is `marks`."""
    path = write_case(folder, name, SITTING)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["marks"] = marks
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_mark_may_be_recorded_with_the_side_not_stated(tmp_path):
    marks = [{"region": "buttock", "symptom": "pain", "side": "not_stated"}]
    assert load_case(write_marks_case(tmp_path, "c.yaml", marks)).case["marks"] == marks


@pytest.mark.parametrize(
    ("marks", "reason"),
    [
        (
            [{"region": "buttock", "symptom": "pain", "side": "either"}],
            "marks: buttock pain: side 'either' is not left, right, both or not_stated",
        ),
        (
            [
                {"region": "buttock", "symptom": "pain", "side": "left"},
                {"region": "buttock", "symptom": "pain", "side": "not_stated"},
            ],
            "marks: buttock pain: side 'not_stated' stands alone",
        ),
        (
            [{"region": "buttock", "symptom": "pain"}],
            "marks: a mark needs region, symptom and side",
        ),
        ({"region": "buttock"}, "marks: must be a list of {region, symptom, side}"),
    ],
)
def test_a_malformed_mark_is_refused_with_file_entry_and_reason(tmp_path, marks, reason):
    path = write_marks_case(tmp_path, "bad.yaml", marks)
    with pytest.raises(CaseFileError) as caught:
        load_case(path)
    assert f"{path}: {reason}" in str(caught.value)


def assess_marks(tmp_path, marks, *options):
    case = tmp_path / "marks.yaml"
    case.write_text(
        "presentations: [buttock_pain]\n"
        "answers: {age_years: 45, pain_on_sitting: 'yes'}\n"
        f"marks: {marks}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "main.py", "assess", str(case), *options],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_assess_says_a_mark_has_no_side_and_scores_it_as_a_mark_on_one_side(tmp_path):
    unsided = "[{region: ischial_tuberosity, symptom: pain, side: not_stated}]"
    left = "[{region: ischial_tuberosity, symptom: pain, side: left}]"
    assert "Body chart: Ischial tuberosity (sit bone), pain, side not stated" in assess_marks(
        tmp_path, unsided
    )
    assert "side not stated" not in assess_marks(tmp_path, left)
    as_json = json.loads(assess_marks(tmp_path, unsided, "--json"))
    assert as_json == json.loads(assess_marks(tmp_path, left, "--json"))
    assert as_json["conditions"] != json.loads(assess_marks(tmp_path, "[]", "--json"))["conditions"]
