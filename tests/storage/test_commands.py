"""The storage commands, run as a user would: backup, restore, verify, demo-data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop_app import paths
from tests.storage.helpers import table_contents


def run_command(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python main.py ARGS` with the user data directory inside tmp_path.

    The audit key is copied there from the test's own user data, as one installation.
    """
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "user-data")}
    share_installation(tmp_path / "user-data")
    return subprocess.run(
        [sys.executable, str(paths.PROJECT_ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )


def share_installation(data_home: Path) -> None:
    """The test process's audit key and anchors in data_home (the same installation)."""
    import shutil

    mine = paths.user_data_dir()
    theirs = data_home / paths.APP_NAME
    if mine == theirs or not (mine / "audit.key").exists():
        return
    theirs.mkdir(parents=True, exist_ok=True)
    shutil.copy2(mine / "audit.key", theirs / "audit.key")
    if (mine / "anchors").is_dir():
        shutil.copytree(mine / "anchors", theirs / "anchors", dirs_exist_ok=True)


def test_demo_data_backup_restore_verify(tmp_path: Path) -> None:
    db = tmp_path / "clinic" / "visits.sqlite3"
    made = run_command(
        tmp_path, "demo-data", "--patients", "30", "--visits-per-patient", "3", "--db", str(db)
    )
    assert made.returncode == 0, made.stderr
    assert "now holds 30 patients" in made.stdout
    contents = table_contents(db)
    statuses = {row[6] for row in contents["visits"]}
    assert statuses == {"draft", "signed"}
    assert contents["amendments"] or contents["red_flag_acks"]

    backup = tmp_path / "copies" / "backup.sqlite3"
    done = run_command(tmp_path, "--db", str(db), "backup", "--out", str(backup))
    assert done.returncode == 0, done.stderr
    assert table_contents(backup) == contents

    more = run_command(tmp_path, "--db", str(db), "demo-data", "--patients", "5")
    assert more.returncode == 0, more.stderr
    restored = run_command(tmp_path, "--db", str(db), "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert table_contents(db) == contents
    kept = [
        Path(line.split(" kept as ")[1].rstrip("."))
        for line in restored.stdout.splitlines()
        if " kept as " in line
    ]
    assert len(kept) == 1 and len(table_contents(kept[0])["patients"]) == 35

    verified = run_command(tmp_path, "--db", str(db), "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "is intact" in verified.stdout


def test_default_database_lives_in_the_user_data_directory(tmp_path: Path) -> None:
    result = run_command(tmp_path, "demo-data", "--patients", "1", "--visits-per-patient", "1")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "user-data" / paths.APP_NAME / "visits.sqlite3").is_file()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    db = tmp_path / "visits.sqlite3"
    assert run_command(tmp_path, "--db", str(db), "demo-data", "--patients", "2").returncode == 0
    before = table_contents(db)
    junk = tmp_path / "notes.sqlite3"
    junk.write_text("not a database\n" * 100)
    result = run_command(tmp_path, "--db", str(db), "restore", str(junk))
    assert result.returncode == 2
    assert f"{junk} is not a backup of this app" in result.stderr
    assert "Nothing was restored" in result.stderr
    assert table_contents(db) == before
