"""codes.yaml: every code is checked and sourced; a malformed entry names file, entry and reason."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from desktop_app import paths
from desktop_app.core.codes import Codes, loinc_code_valid, parse_codes, snomed_id_valid
from desktop_app.core.errors import KnowledgeBaseError
from desktop_app.core.knowledge import KnowledgeBase

SHIPPED: dict[str, Any] = yaml.safe_load(
    (paths.KNOWLEDGE_BASE / "codes.yaml").read_text(encoding="utf-8")
)


def test_every_shipped_code_names_a_source_with_an_address(codes: Codes) -> None:
    entries = [c for group in codes.by_entry.values() for c in group]
    assert entries
    for code in entries:
        assert code.source.citation and code.source.url.startswith("http")
        assert code.display


def test_nprs_total_carries_its_loinc_code(codes: Codes) -> None:
    (code,) = codes.of("measure", "nprs")
    assert (code.system.uri, code.code) == ("http://loinc.org", "72514-3")
    assert codes.of("measure", "visa_g") == ()  # no code found: text only


@pytest.mark.parametrize("code", ["128196005", "18347007", "20021007", "239872002", "23056005"])
def test_snomed_check_digit_accepts_real_identifiers(code: str) -> None:
    assert snomed_id_valid(code)


@pytest.mark.parametrize("code", ["128196006", "12819600", "0128196005", "12345", "12a45678"])
def test_snomed_check_digit_refuses_typos(code: str) -> None:
    assert not snomed_id_valid(code)


def test_loinc_check_digit() -> None:
    assert loinc_code_valid("72514-3")
    assert not loinc_code_valid("72514-4")
    assert not loinc_code_valid("72514")


def _broken(change: str) -> dict[str, Any]:
    data = copy.deepcopy(SHIPPED)
    first = data["codes"][0]
    if change == "unknown key":
        first["note"] = "x"
    elif change == "unknown id":
        first["id"] = "no_such_condition"
    elif change == "bad check digit":
        first["code"] = first["code"][:-1] + str((int(first["code"][-1]) + 1) % 10)
    elif change == "unknown source":
        first["source"] = "nowhere"
    elif change == "duplicate":
        data["codes"].append(dict(first))
    elif change == "unknown system":
        first["system"] = "icd10"
    return data


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("unknown key", "unknown key(s): note"),
        ("unknown id", "has no condition with this ID"),
        ("bad check digit", "check digit"),
        ("unknown source", "unknown source 'nowhere'"),
        ("duplicate", "a second SNOMED CT code"),
        ("unknown system", "unknown system 'icd10'"),
    ],
)
def test_a_malformed_entry_names_file_entry_and_reason(
    kb: KnowledgeBase, change: str, reason: str
) -> None:
    with pytest.raises(KnowledgeBaseError) as caught:
        parse_codes(_broken(change), kb)
    assert caught.value.file == "codes.yaml"
    assert caught.value.entry.startswith("codes[")
    assert reason in caught.value.reason


def test_unreadable_yaml_is_named(tmp_path: Path, kb: KnowledgeBase) -> None:
    from desktop_app.core.codes import load_codes

    (tmp_path / "codes.yaml").write_text("codes: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"codes\.yaml: \(file\): is not valid YAML"):
        load_codes(tmp_path, kb)
