"""Every shipped dependency and font has its licence in THIRD_PARTY_NOTICES.md."""

from __future__ import annotations

import importlib.metadata as md
import re

from packaging.requirements import Requirement

from desktop_app import paths

NOTICES = (paths.PROJECT_ROOT / "THIRD_PARTY_NOTICES.md").read_text(encoding="utf-8")


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_closure() -> set[str]:
    """The installed distributions the app needs at run time (no test extra)."""
    seen: dict[str, md.Distribution] = {}

    def walk(name: str, extras: frozenset[str] = frozenset()) -> None:
        if _key(name) in seen:
            return
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:  # an optional dependency for another platform
            return
        seen[_key(name)] = dist
        for text in dist.requires or []:
            req = Requirement(text)
            wanted = ["", *sorted(extras)]
            if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in wanted):
                walk(req.name, frozenset(req.extras))

    walk("gluteal-assess")
    return set(seen) - {"gluteal-assess"}


def test_every_runtime_dependency_is_listed() -> None:
    listed = {_key(m) for m in re.findall(r"^\| ([A-Za-z0-9_.\-, ]+?) \|", NOTICES, re.M)}
    names = {_key(n.strip()) for row in listed for n in row.split(",")}
    missing = sorted(runtime_closure() - names)
    assert missing == [], f"add to THIRD_PARTY_NOTICES.md: {missing}"


def test_every_font_licence_file_is_named() -> None:
    for licence in paths.FONTS.glob("*LICENSE*"):
        assert licence.name in NOTICES
    assert "LGPL-3.0" in NOTICES
