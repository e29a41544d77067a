"""docs/storage.md stays true: its commands exist and its paths match the code."""

from __future__ import annotations

import re

from desktop_app import paths
from desktop_app.cli import build_parser
from desktop_app.storage.backup import default_backup_dir

DOC = (paths.PROJECT_ROOT / "docs" / "storage.md").read_text(encoding="utf-8")


def test_every_documented_command_exists() -> None:
    commands = set(re.findall(r"python main\.py (?:--db [^\s`]+ )?([a-z][a-z-]*)", DOC))
    assert {"backup", "restore", "verify", "demo-data"} <= commands
    for command in commands:
        build_parser().parse_args([command, *_required(command)])


def _required(command: str) -> list[str]:
    out = ["--out", "x"]
    return {"backup": out, "restore": ["x"], "encrypt-copy": out, "decrypt-export": out}.get(
        command, []
    )


def test_documented_locations_match_the_code() -> None:
    assert paths.default_database().name in DOC
    assert default_backup_dir(paths.default_database()).name + "/" in DOC
    assert paths.APP_NAME in DOC
