"""An anchor the app cannot write (its folder's disk read-only or failing) is no lost change.

The fsync of the log succeeded, so the edit is saved: the anchor only stays behind, logged, as
Store._after_write does for the same failure (storage/anchor.syncing). The window's side is
tests/gui/test_anchor_unwritable.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from desktop_app.storage import anchor
from desktop_app.storage.autosave import sync_wal
from desktop_app.storage.repository import Repository
from tests.storage.test_anchor_power_cut import autosave, editing, head_of

__all__ = ["editing", "unwritable"]


def _writable(path: Path) -> bool:
    try:
        os.close(os.open(path, os.O_WRONLY))
    except OSError:
        return False
    return True


@contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """The file can be read but not written, as on a disk gone read-only (the mode for a user;
    the immutable flag for root, whom the mode does not stop)."""
    path.chmod(0o400)
    immutable = False
    if _writable(path) and shutil.which("chattr"):
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        immutable = done.returncode == 0
    try:
        if _writable(path):
            pytest.skip("this file system lets the test process write any file")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=True)
        path.chmod(0o600)


def test_a_sync_whose_anchor_cannot_be_written_still_succeeds(
    editing: tuple[Repository, int], db_path: Path
) -> None:
    repo, visit_id = editing
    wal = autosave(repo, visit_id, "fever", "no")  # committed, pending in the anchor
    found = anchor.read(db_path)
    assert found is not None and found.pending == anchor.Head(*head_of(db_path))
    with unwritable(anchor.anchor_file(db_path)):
        sync_wal(wal)  # the fsync succeeded: no error for the anchor's sake
        assert anchor.read(db_path) == found  # it stays behind
    sync_wal(autosave(repo, visit_id, "sitting", "yes"))  # writable again: it catches up
    caught_up = anchor.read(db_path)
    assert caught_up is not None and caught_up.head == anchor.Head(*head_of(db_path))
    assert caught_up.pending is None
    repo.close()
