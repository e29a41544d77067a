"""A backup killed part-way outside the backups folder (`backup --out` on a USB stick) leaves no
plaintext copy behind once the app starts again; a copy still being written is left alone."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage import partials
from desktop_app.storage.demo_data import generate
from desktop_app.storage.repository import Repository

KILLS = 8


def _backups_forever(db_path: Path, kb: KnowledgeBase, folder: Path, out: int) -> None:
    """Child: back up to `folder` again and again, saying when each copy is done."""
    repo = Repository.open(db_path, kb, actor="Dr Test")
    n = 0
    while True:
        repo.backup_to(folder / f"copy-{os.getpid()}-{n:04d}.sqlite3")
        os.write(out, b"done\n")
        n += 1


@pytest.mark.slow
@pytest.mark.sqlite_only  # the file copy; a server's pg_dump has its own partial file
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork are POSIX")
def test_a_killed_backup_elsewhere_leaves_no_copy_after_the_next_start(
    repo: Repository, db_path: Path, kb: KnowledgeBase, tmp_path: Path
) -> None:
    generate(repo, 150, 3, seed=14)  # a copy big enough to be caught half-written
    repo.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    fork = multiprocessing.get_context("fork")
    left = 0
    for _ in range(KILLS):
        read, write = os.pipe()
        child = fork.Process(target=_backups_forever, args=(db_path, kb, usb, write))
        child.start()
        os.close(write)
        # Paced by the file system, not the clock: kill once a copy is being written.
        while not any(usb.glob("*.partial")):
            assert child.is_alive(), "the backup writer died before it was killed"
        os.kill(child.pid or 0, signal.SIGKILL)
        child.join()
        os.close(read)
        left += bool(list(usb.glob("*.partial")))
        with Repository.open(db_path, kb) as reopened:  # the next start
            assert not reopened.read_only, reopened.read_only_reason
        assert not list(usb.glob("*.partial"))
        assert not list((tmp_path.parent / "user-data").glob("**/partials/*.txt"))
    assert left >= KILLS // 2  # most kills really left a half-written copy to remove
    for copy in usb.glob("*.sqlite3"):  # every finished copy is kept
        assert copy.stat().st_size > 0


def test_a_copy_still_being_written_is_left_alone(tmp_path: Path) -> None:
    partial = tmp_path / "usb" / "copy.sqlite3.partial"
    partial.parent.mkdir()
    with partials.recorded(partial):
        partial.write_bytes(b"half a copy")
        assert partials.remove_recorded() == 0  # another start while the backup runs
        assert partial.exists()
    partial.unlink()


def _killed_while_copying(partial: Path) -> None:
    with partials.recorded(partial):
        partial.write_bytes(b"half a copy")
        os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork are POSIX")
def test_a_copy_on_a_drive_not_plugged_in_is_removed_when_it_is(tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    partial = usb / "copy.sqlite3.partial"
    child = multiprocessing.get_context("fork").Process(
        target=_killed_while_copying, args=(partial,)
    )
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    unplugged = usb.rename(tmp_path / "unplugged")
    assert partials.remove_recorded() == 0  # the stick is away: the record stays
    unplugged.rename(usb)
    assert partials.remove_recorded() == 1
    assert not partial.exists()
    assert partials.remove_recorded() == 0  # and it is forgotten


def test_only_a_partial_copy_is_ever_removed(tmp_path: Path) -> None:
    precious = tmp_path / "notes.txt"
    precious.write_text("not a backup", encoding="utf-8")
    folder = partials.private.make_dir(partials.keys.data_dir() / partials.FOLDER)
    (folder / "forged.txt").write_text(str(precious), encoding="utf-8")
    assert partials.remove_recorded() == 0
    assert precious.read_text(encoding="utf-8") == "not a backup"
