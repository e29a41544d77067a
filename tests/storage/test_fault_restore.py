"""SIGKILL at every step of a restore: the path never holds an empty or half-copied database.

The child stops itself at a named step of the restore (storage/restore.py's step hook) and says so
through a pipe; only then is it killed. No sleeps: the kill points are the same on a loaded
machine as on an idle one. After each kill the next open finishes or drops the restore, and every
committed write is either in the database or in the file kept beside it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage import anchor, restore
from desktop_app.storage.backup import restore_database
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit, table_contents

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork are POSIX"),
]
STEPS = ("journal written", "old database kept", "log moved", "renamed", "anchored")


def _in_child(action, report: int) -> None:  # type: ignore[no-untyped-def]
    """Run action in a forked child; it writes 'finished' when it got through."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            action()
            os.write(report, b"finished\n")
        finally:
            os._exit(0)
    return pid  # type: ignore[return-value]


def _kill_at(step: str, occurrence: int, backup: Path, db_path: Path) -> bool:
    """Restore in a child, SIGKILLed when it reaches `step` for the `occurrence`-th time."""
    read, write = os.pipe()
    seen = {"n": 0}

    def hook(name: str) -> None:
        if name == step:
            seen["n"] += 1
            if seen["n"] == occurrence:
                os.write(write, b"ready\n")
                while True:
                    signal.pause()

    def run() -> None:
        restore.COPY_PAGES = 1
        restore.step_hook = hook
        restore_database(backup, db_path)

    pid = _in_child(run, write)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        said = pipe.readline().strip()
        if said == b"ready":
            os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return said == b"ready"


def _leave_wal(db_path: Path, kb: KnowledgeBase) -> None:
    """A committed patient left in the write-ahead log (the writer died without closing)."""
    read, write = os.pipe()

    def run() -> None:
        repo = Repository.open(db_path, kb, actor="Dr Test")
        repo.create_patient("Only In The Log", dt.date(1990, 1, 1), "male")
        os.write(write, b"saved\n")
        os._exit(0)  # no close: the log is not checkpointed

    pid = _in_child(run, write)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        assert pipe.readline().strip() == b"saved"
    os.waitpid(pid, 0)
    assert Path(f"{db_path}-wal").stat().st_size > 0


@pytest.fixture
def world(db_path: Path, kb: KnowledgeBase, tmp_path: Path) -> dict[str, Path]:
    """A backup (2 patients) and a newer database (60 patients, signed visits) saved aside."""
    with Repository.open(db_path, kb, actor="Dr Test") as repo:
        first = repo.create_patient("In The Backup", dt.date(1970, 2, 3), "female")
        filled_visit(repo, first.id)
        repo.create_patient("Also In The Backup", dt.date(1971, 2, 3), "male")
        backup = repo.backup_to(tmp_path / "backup.sqlite3")
        for n in range(58):
            patient = repo.create_patient(f"After The Backup {n}", dt.date(1980, 1, 1), "other")
            if n % 10 == 0:
                filled_visit(repo, patient.id)
    pristine = tmp_path / "pristine.sqlite3"
    shutil.copy(db_path, pristine)
    return {"backup": backup, "pristine": pristine}


def _reset(db_path: Path, pristine: Path) -> None:
    for leftover in db_path.parent.iterdir():
        if leftover.name != "backups":
            leftover.unlink()
    shutil.copy(pristine, db_path)
    anchor.reset(db_path)  # the same world again, not a database put back by hand


def _kill_points(backup: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(backup)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()  # Python 3.13 reports an unclosed connection as an error in a later test
    return [("copy page", n) for n in range(1, pages + 1)] + [(s, 1) for s in STEPS]


@pytest.mark.parametrize("with_wal", [False, True], ids=["checkpointed", "committed-in-wal"])
def test_a_restore_killed_at_any_step_loses_nothing(
    world: dict[str, Path], db_path: Path, kb: KnowledgeBase, with_wal: bool
) -> None:
    backup, pristine = world["backup"], world["pristine"]
    wanted_backup = table_contents(backup)
    kills = 0
    outcomes = {"old": 0, "restored": 0}
    for step, occurrence in _kill_points(backup):
        _reset(db_path, pristine)
        if with_wal:
            _leave_wal(db_path, kb)
        wanted_old = table_contents(db_path)  # reads the log too: every committed write
        assert _kill_at(step, occurrence, backup, db_path), (step, occurrence)
        kills += 1
        assert db_path.stat().st_size > 0, (step, occurrence)  # never an empty impostor

        with Repository.open(db_path, kb) as repo:  # the next start finishes or drops it
            assert repo.verify() == [], (step, occurrence)
        now = table_contents(db_path)
        kept = sorted(db_path.parent.glob("*.replaced-*.sqlite3"))
        if now == wanted_old:
            outcomes["old"] += 1
            assert kept == [], (step, occurrence)
        else:
            outcomes["restored"] += 1
            assert now == wanted_backup, (step, occurrence)
            assert len(kept) == 1 and table_contents(kept[0]) == wanted_old, (step, occurrence)
        leftovers = [p.name for p in db_path.parent.iterdir() if "restor" in p.name]
        assert leftovers == [], (step, occurrence)
    assert kills == len(_kill_points(backup)) > 20
    assert outcomes["old"] > 0 and outcomes["restored"] > 0, outcomes


def test_a_finished_restore_names_the_kept_file(
    world: dict[str, Path], db_path: Path, kb: KnowledgeBase
) -> None:
    _reset(db_path, world["pristine"])
    _leave_wal(db_path, kb)
    wanted_old = table_contents(db_path)
    kept = restore_database(world["backup"], db_path)
    assert kept is not None and table_contents(kept) == wanted_old
    assert table_contents(db_path) == table_contents(world["backup"])
