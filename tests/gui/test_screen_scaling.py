"""1366x768 at 150 % and 200 %: every screen shown, the window never outgrows the screen.

Scaling is set when Qt starts, so each walk runs in a process of its own (tests/gui/screen_walk.py)
on an offscreen screen of 1366x768 device pixels. A top-level window grows to its minimum size and
does not shrink back afterwards, so the walk records the largest minimum at any moment, not only
at the end. The window's minimum height is the banner's plus the tallest page of the main stack's
(hidden pages count): before the patient page scrolled as a whole, its trend charts made that
387 logical pixels, and at 200 % the window grew from 384 to 387.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
TITLE_AND_TASK_BARS = 60  # logical pixels a desktop keeps for itself


@pytest.mark.parametrize("scale", ["1.5", "2"])
def test_every_screen_fits_1366x768(scale: str, tmp_path: Path) -> None:
    screens = tmp_path / "screen.json"
    screens.write_text(
        json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768}]})
    )
    out = tmp_path / "walk.json"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={screens}",
        "QT_SCALE_FACTOR": scale,
        "HOME": str(tmp_path),  # the user data folder (database, backups) stays in tmp_path
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui.screen_walk", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    walk = json.loads(out.read_text())
    width, height = walk["screen"]
    assert (width, height) == (round(1366 / float(scale)), round(768 / float(scale)))
    assert walk["largest_size"] == [width, height], walk  # never taller or wider than the screen
    least_width, least_height = walk["largest_minimum"]
    assert least_width <= width and least_height <= height - TITLE_AND_TASK_BARS, walk
