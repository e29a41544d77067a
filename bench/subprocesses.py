"""Fresh interpreters for the start-up and memory figures (bench/child.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = ROOT / "bench" / "child.py"
TIMEOUT_S = 120


@dataclass(frozen=True)
class ChildRun:
    shown_ms: float  # from process creation until the window was shown (and searched)
    peak_rss_mb: float
    later_ms: float | None = None  # until "visit", "checks" or the end after "closing"


def compile_app() -> None:
    """Write the app's bytecode, as an installation has it (pip and the bundle compile it).

    Without it, a harness that sets PYTHONDONTWRITEBYTECODE (or a read-only checkout) makes
    every fresh interpreter compile the ~110 app modules it imports from source: on 3 December
    that was 30-40 % of a cold start (cProfile: `compile` 1.6 s of 7 s on the loaded machine;
    the floor imports only compiled libraries). Reading bytecode is allowed whatever that setting.
    """
    import compileall

    compileall.compile_dir(ROOT / "desktop_app", quiet=1)


def child_env(work_dir: Path) -> dict[str, str]:
    """Offscreen Qt, the project importable, and user data (logs, settings) kept in scratch."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(ROOT),
        XDG_DATA_HOME=str(work_dir / "xdg-data"),
        XDG_CONFIG_HOME=str(work_dir / "xdg-config"),
        XDG_CACHE_HOME=str(work_dir / "xdg-cache"),
    )
    return env


def run_child(work_dir: Path, *args: str) -> ChildRun:
    """Start bench/child.py with ``args``; time until it prints "shown", read its peak RSS.

    ``work_dir`` holds the child's user data and settings: give each run a new one for a first
    launch.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        cwd=ROOT,
        env=child_env(work_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    # A child that never reports (an app stuck behind a modal error dialog offscreen) is killed
    # rather than blocking the whole run on its output.
    watchdog = threading.Timer(TIMEOUT_S, proc.kill)
    watchdog.start()
    line = proc.stdout.readline().strip()
    shown_ms = (time.perf_counter() - start) * 1000
    rss_line = proc.stdout.readline().strip()
    later_ms = None
    closing = rss_line == "closing"
    if rss_line in ("visit", "checks", "closing"):
        later_ms = (time.perf_counter() - start) * 1000
        rss_line = proc.stdout.readline().strip()
    try:
        _, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    finally:
        watchdog.cancel()
    if closing and later_ms is not None:  # from the window's close until the process ended
        later_ms = (time.perf_counter() - start) * 1000 - later_ms
    if line != "shown" or proc.returncode != 0:
        raise RuntimeError(f"child {' '.join(args)} failed ({proc.returncode}): {err.strip()}")
    return ChildRun(shown_ms, int(rss_line) / 1024, later_ms)
