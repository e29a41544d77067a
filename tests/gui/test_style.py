"""The style sheet follows the palette: no background of its own without its text colour."""

from __future__ import annotations

import re

import pytest

from desktop_app.gui.style import style_sheet


@pytest.mark.parametrize("dark", [False, True])
def test_every_background_comes_with_its_text_colour(dark: bool) -> None:
    for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", style_sheet(dark)):
        background = re.search(r"background:\s*([^;]+);", body)
        if background is None or background.group(1).strip() == "transparent":
            continue
        if "::chunk" in selector:  # a progress bar's fill carries no text
            continue
        assert re.search(r"(^|[\s;])color:", body), f"{selector.strip()} sets a background only"
