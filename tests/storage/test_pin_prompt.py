"""The PIN typed at a real terminal: `main.py` run on a pseudo-terminal asks for it (not
echoed), and acts on it; a wrong one is refused with exit code 3."""

from __future__ import annotations

import os
import pty
import select
import sys
from pathlib import Path

import pytest

from desktop_app import paths
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository
from tests.storage.helpers import signer
from tests.storage.test_commands import share_installation

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pseudo-terminal")


def _on_terminal(argv: list[str], typed: list[bytes], env: dict[str, str]) -> tuple[int, str]:
    """Run main.py ARGV with a terminal of its own, typing each of `typed` after a prompt."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its controlling terminal is the pty
        os.execve(sys.executable, [sys.executable, str(paths.PROJECT_ROOT / "main.py"), *argv], env)
    seen = b""
    waiting = list(typed)
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            os.kill(pid, 9)
            raise AssertionError(f"no output for 60 s: {seen!r}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if waiting and seen.rstrip().endswith(b":"):
            os.write(fd, waiting.pop(0) + b"\n")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode("utf-8", "replace")


def test_the_pin_is_asked_at_the_terminal_and_never_echoed(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    db = tmp_path / "visits.sqlite3"
    with Repository.open(db, kb, actor="test", create=True) as repo:
        alex = signer(repo, "Alex Morgan")
        repo.set_pin(alex, "4711", by=alex)
    data_home = tmp_path / "user-data"
    share_installation(data_home)  # the same audit key: one installation
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLUTEAL_ASSESS_PIN")}
    env.update(XDG_DATA_HOME=str(data_home), PYTHONPATH=str(paths.PROJECT_ROOT))
    argv = ["--db", str(db), "--clinician", "Alex Morgan", "accounts", "lock-minutes", "7"]
    code, shown = _on_terminal(argv, [b"4712"], env)
    assert code == 3 and "Alex Morgan's PIN:" in shown and "not Alex Morgan's PIN" in shown
    assert "4712" not in shown and "Traceback" not in shown
    code, shown = _on_terminal(argv, [b"4711"], env)
    assert code == 0 and "now locks after 7 idle minutes" in shown and "4711" not in shown
    with Repository.open(db, kb, actor="test") as repo:
        assert repo.lock_minutes() == 7
