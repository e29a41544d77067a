"""The command line: version, help and clear errors."""

import subprocess
import sys

from desktop_app import __version__


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", *args], capture_output=True, text=True, timeout=60
    )


def test_version_and_help_list_the_commands():
    assert __version__ in run("--version").stdout
    help_text = run("--help").stdout
    for command in ("kb", "assess"):
        assert command in help_text


def test_kb_check_passes_on_the_shipped_knowledge_base():
    result = run("kb", "check")
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stdout


def test_assess_names_an_unknown_id(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("presentations: [buttock_pain]\nanswers: {no_such_prompt: 'yes'}\n")
    result = run("assess", str(case))
    assert result.returncode == 2
    assert "no_such_prompt" in result.stderr


def test_kb_list_json_names_every_kind_of_entry():
    import json

    result = run("kb", "list", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    ids = {section: {row["id"] for row in rows} for section, rows in data.items()}
    assert {"gluteal_depression", "buttock_pain"} <= ids["presentations"]
    assert "injection_history" in ids["prompts"]
    assert "single_leg_stance" in ids["exam_items"]
    assert "cauda_equina_syndrome" in ids["conditions"]
    assert "nprs" in ids["measures"]
    assert all(row["label"] for rows in data.values() for row in rows)
