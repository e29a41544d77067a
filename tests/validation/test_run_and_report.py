"""The figures of a run, results.md and --json: deterministic, and held-out cases only as counts."""

import datetime as dt
import json
import subprocess
import sys

import pytest

from desktop_app.core.errors import AppError
from desktop_app.core.knowledge import load_knowledge_base
from desktop_app.validation.held_out import HeldOutError, draw_held_out
from desktop_app.validation.report import to_json, to_markdown
from desktop_app.validation.summary import run_validation
from tests.validation.cases import FEVER_ON_STEROID, SITTING, write_case, write_project


def test_the_summary_counts_hits_recall_false_alarms_and_invalid_cases(tmp_path):
    kb_dir, cases = write_project(tmp_path)
    write_case(cases, "alarm.yaml", FEVER_ON_STEROID, expected_red_flag="none")
    write_case(cases, "emergency.yaml", FEVER_ON_STEROID, expected_red_flag="emergency")
    write_case(cases, "invalid.yaml", {"sex": "male"})
    write_case(cases, "delta.yaml", SITTING, diagnosis=["delta"])
    run = run_validation(load_knowledge_base(kb_dir), cases, cases.parent / "held_out.txt")
    tuning = run.figures()["tuning"]
    assert (tuning.cases, tuning.invalid) == (7, 1)
    assert (tuning.top1.hits, tuning.top3.hits, tuning.top1.n) == (3, 5, 6)
    assert tuning.red_flag_recall["urgent"].hits == 1
    assert (tuning.red_flag_recall["emergency"].hits, tuning.red_flag_recall["emergency"].n) == (
        0,
        1,
    )
    assert (tuning.false_alarms.hits, tuning.false_alarms.n) == (1, 4)
    assert tuning.levels["emergency"] == {"emergency": 0, "urgent": 1, "routine": 0, "none": 0}
    assert tuning.levels["none"]["urgent"] == 1
    assert run.figures()["held_out"].cases == 0

    text = to_markdown(run, [])
    assert "| Top-1 | 3/6 (50%) | 0/0 (–) | 3/6 (50%) |" in text
    assert (
        "a case expecting level L counts as recalled when a red flag of level L or more urgent"
        in text
    )
    assert "| delta.yaml | delta | – | beta | not in knowledge base: delta |" in text
    assert "| alarm.yaml | beta | 3 | gamma |" in text
    assert "| emergency.yaml | emergency | urgent | hot |" in text
    assert "| invalid.yaml | unknown history prompt sex |" in text
    assert "delta (not in knowledge base)" in text
    assert "every case is tuning" in text
    assert "| emergency | 0 · 0 | 1 · 0 | 0 · 0 | 0 · 0 |" in text
    assert "Knowledge-base conditions without a case: alpha." in text


def test_a_missing_case_folder_is_an_error_not_an_empty_run(tmp_path):
    kb_dir, _ = write_project(tmp_path)
    with pytest.raises(AppError, match="There is no case folder"):
        run_validation(load_knowledge_base(kb_dir), tmp_path / "nowhere", tmp_path / "held.txt")


def test_two_runs_write_the_same_file(tmp_path):
    kb_dir, cases = write_project(tmp_path)
    kb = load_knowledge_base(kb_dir)
    first = to_markdown(run_validation(kb, cases, cases.parent / "held_out.txt"), [])
    second = to_markdown(run_validation(kb, cases, cases.parent / "held_out.txt"), [])
    assert first == second


def test_held_out_cases_appear_only_as_counts(tmp_path):
    kb_dir, cases = write_project(tmp_path)
    for n in range(3):  # six cases, all misses: a held-out miss would be listed if it leaked
        write_case(
            cases, f"miss_{n}.yaml", SITTING, diagnosis=["gamma"], expected_red_flag="urgent"
        )
    held_out_file = cases.parent / "held_out.txt"
    chosen = draw_held_out(cases, held_out_file, seed=7)
    assert len(chosen) == 2
    run = run_validation(load_knowledge_base(kb_dir), cases, held_out_file)
    text, data = to_markdown(run, []), json.dumps(to_json(run, []))
    assert run.figures()["held_out"].cases == 2
    for name in chosen:
        assert name not in text
        assert name not in data
    for r in run.of_set("tuning"):
        if not r.hit:
            assert r.name in text
    assert "must not read them" in text
    assert "| Final diagnosis | Cases | Invalid | Not first |" in text


def test_the_held_out_list_names_seed_and_date_and_is_never_redrawn(tmp_path):
    _, cases = write_project(tmp_path)
    held_out_file = cases.parent / "held_out.txt"
    chosen = draw_held_out(cases, held_out_file, seed=12345, today=dt.date(2026, 12, 2))
    text = held_out_file.read_text(encoding="utf-8")
    assert "# seed: 12345" in text
    assert "# date: 2026-12-02" in text
    assert "random.Random(12345)" in text
    assert [line for line in text.splitlines() if not line.startswith("#")] == chosen
    assert chosen == draw_held_out(cases, tmp_path / "again.txt", seed=12345)  # reproducible
    with pytest.raises(HeldOutError, match="already exists"):
        draw_held_out(cases, held_out_file, seed=1)
    assert held_out_file.read_text(encoding="utf-8") == text


def test_a_held_out_case_file_that_disappeared_stops_the_run(tmp_path):
    kb_dir, cases = write_project(tmp_path)
    held_out_file = cases.parent / "held_out.txt"
    (name,) = draw_held_out(cases, held_out_file, seed=3)
    (cases / name).unlink()
    with pytest.raises(HeldOutError, match=f"not in the cases folder: {name}"):
        run_validation(load_knowledge_base(kb_dir), cases, held_out_file)


def test_the_command_draws_the_held_out_list_once(tmp_path):
    kb_dir, cases = write_project(tmp_path)
    command = [sys.executable, "main.py", "validate", "--cases", str(cases), "--kb", str(kb_dir)]

    def run(*extra):
        return subprocess.run([*command, *extra], capture_output=True, text=True, timeout=60)

    first = run("--draw-held-out")
    assert first.returncode == 0, first.stderr
    assert "Held out 1 case files" in first.stdout
    drawn = (cases.parent / "held_out.txt").read_text(encoding="utf-8")
    again = run("--draw-held-out")
    assert again.returncode == 2
    assert "already exists: it is drawn once and never redrawn" in again.stderr
    assert (cases.parent / "held_out.txt").read_text(encoding="utf-8") == drawn
    report = run()
    assert "| Cases (invalid) | 2 (0) | 1 (0) | 3 (0) |" in report.stdout
