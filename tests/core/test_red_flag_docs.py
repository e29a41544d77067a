"""The KB README's clinical summary lists every shipped red-flag rule at its shipped urgency."""

from __future__ import annotations

import re

from desktop_app import paths
from desktop_app.core.knowledge import load_knowledge_base

SECTION = "## Red flags and serious conditions (clinical summary)"
ROW = re.compile(
    r"^\| `(?P<id>[a-z0-9_]+)` \| (?P<urgency>[a-z]+) "
    r"\| (?P<trigger>[^|]+) \| (?P<source>[^|]+) \|$"
)


def summary_rows() -> dict[str, tuple[str, str, str]]:
    text = (paths.KNOWLEDGE_BASE / "README.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            assert match["id"] not in rows, f"{match['id']} listed twice"
            rows[match["id"]] = (
                match["urgency"],
                match["trigger"].strip(),
                match["source"].strip(),
            )
    return rows


def test_every_rule_is_listed_once_with_its_urgency_a_trigger_and_a_source():
    kb = load_knowledge_base(paths.KNOWLEDGE_BASE)
    rows = summary_rows()
    assert set(rows) == set(kb.red_flags)
    for flag_id, (urgency, trigger, source) in rows.items():
        flag = kb.red_flags[flag_id]
        assert urgency == flag.urgency, flag_id
        assert trigger and source, flag_id
        if flag.estimate:
            assert "estimate" in source, flag_id
