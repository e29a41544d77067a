"""A corpus of malformed `assess` case files: each gives a one-line error, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.app import run
from desktop_app.cli import build_parser

CORPUS = {
    "list_top": "- a\n- b\n",
    "scalar_top": "42\n",
    "answers_list": "answers: [1, 2, 3]\n",
    "answers_string": "answers: yes\n",
    "exam_list": "exam: [positive]\n",
    "exam_number": "exam: 7\n",
    "marks_mapping": "marks: {buttock: depression}\n",
    "marks_numbers": "marks: [1, 2]\n",
    "marks_nested": "marks: [[[[1]]]]\n",
    "presentations_number": "presentations: 5\n",
    "presentations_mapping": "presentations: {a: b}\n",
    "answer_nested": "answers: {fever: {a: {b: {c: [1, 2]}}}}\n",
    "exam_side_nested": "exam: {test: {left: {deep: [1]}}}\n",
    "measures_string": "measures: nonsense\n",
    "null_answers": "answers: null\nexam: null\nmarks: null\n",
    "bad_yaml": "answers: {fever: [unclosed\n",
    "binary": "\udcff",
    "deep_nesting": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "too_large": "answers: {}\n" + "# padding\n" * 200_000,
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_a_malformed_case_file_is_a_message(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / f"{name}.yaml"
    text = CORPUS[name]
    case.write_bytes(text.encode("utf-8", "surrogateescape"))
    code = run(build_parser().parse_args(["assess", str(case)]))
    captured = capsys.readouterr()
    if code == 0:  # read as an empty case: fine, as long as it is not a crash
        assert "Traceback" not in captured.err
        return
    assert code == 2, captured
    assert captured.err.startswith("error: ")
    assert "Traceback" not in captured.err
    if name == "too_large":
        assert "file too large" in captured.err
