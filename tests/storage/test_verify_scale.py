"""Scale: commands read the whole file only when they need to; verify reports its progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop_app.app import COMMAND_ACTOR, App
from desktop_app.cli import build_parser
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage import chain, check_record, database
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit


def run(*argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    args.app = App(db=args.db, actor=COMMAND_ACTOR)
    return int(args.func(args))


@pytest.fixture
def closed_db(db_path: Path, kb: KnowledgeBase) -> Path:
    with Repository.open(db_path, kb, actor="Dr Test") as repo:
        patient = repo.create_patient("Scale Test", dt.date(1980, 1, 1), "male")
        filled_visit(repo, patient.id)
    return db_path


@pytest.mark.parametrize(
    "command",
    [["backup", "--out", "{tmp}/copy.sqlite3"], ["verify"], ["verify", "--incremental"]],
    ids=["backup", "verify", "verify-incremental"],
)
def test_commands_skip_the_up_front_quick_check_on_a_cleanly_closed_file(
    closed_db: Path,
    kb: KnowledgeBase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    checks: list[str] = []
    real = database.damage
    monkeypatch.setattr(database, "damage", lambda conn: checks.append("quick") or real(conn))
    argv = [a.format(tmp=tmp_path) for a in command]
    assert run("--db", str(closed_db), *argv) == 0
    assert checks == []
    Path(f"{closed_db}-wal").write_bytes(b"\0" * 32)  # a killed writer's unfinished log
    assert run("--db", str(closed_db), *[a.replace("copy", "copy2") for a in argv]) == 0
    assert checks == ["quick"]  # a file not closed cleanly is still checked at once


def test_a_command_that_checks_the_file_writes_it_down_so_the_next_does_not_read_it_again(
    closed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: commands that open with the check ran it every time (18.6 s a command on 1 GB);
    a clean result is recorded as the window's is, so the next command today skips it."""
    check_record.damaged(closed_db)  # no record yet: the file was never checked
    checks: list[str] = []
    real = database.damage
    monkeypatch.setattr(database, "damage", lambda conn: checks.append("quick") or real(conn))

    def export_csv(out: Path) -> None:
        command = ("export-csv", "--from", "2000-01-01", "--to", "2100-01-01", "--out", str(out))
        assert run("--db", str(closed_db), *command) == 0
        assert out.exists()

    for n in (1, 2, 3):
        export_csv(tmp_path / f"visits-{n}.csv")
    assert checks == ["quick"]
    closed_db.write_bytes(closed_db.read_bytes())  # written by another program: checked again
    export_csv(tmp_path / "again.csv")
    assert checks == ["quick", "quick"]


def test_verify_reports_progress_by_stage(
    closed_db: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chain, "ROWS_PER_REPORT", 5)
    seen: list[tuple[str, int, int]] = []
    with Repository.open(closed_db, kb) as repo:
        assert repo.verify_report(progress=lambda *p: seen.append(p)).problems == []
    stages = {stage for stage, _, _ in seen}
    assert stages == {"audit entries", "signed visits"}
    assert all(done <= total for _, done, total in seen)
    assert ("signed visits", 1, 1) in seen


def test_a_failing_verify_leaves_no_integrity_thread_running(
    closed_db: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The integrity check runs on a thread of its own; a verify that raises waits for it, so
    no thread is left inside SQLite (a process forked then would copy its locked mutex)."""
    import threading

    from desktop_app.storage import verification

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("verify failed part-way")

    monkeypatch.setattr(verification, "verify", broken)
    with Repository.open(closed_db, kb) as repo, pytest.raises(RuntimeError, match="part-way"):
        repo.verify_report()
    assert [t for t in threading.enumerate() if t.name == "verify-integrity"] == []
