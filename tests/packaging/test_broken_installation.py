"""A broken installation says so; only a full disk asks the user to free disk space."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from desktop_app.core.errors import StorageError
from desktop_app.export.pdfa import conversion_failure
from desktop_app.storage.database import migration_names, migrations


@pytest.mark.parametrize("state", ["missing", "empty", "other files only"])
def test_a_missing_or_empty_migration_set_is_an_error(tmp_path: Path, state: str) -> None:
    folder = tmp_path / "migrations"
    if state != "missing":
        folder.mkdir()
    if state == "other files only":
        (folder / "README.md").write_text("no SQL here", encoding="utf-8")
    for read in (migrations, migration_names):
        with pytest.raises(StorageError, match="installation of the app is incomplete"):
            read(folder)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_asks_for_space(code: int) -> None:
    assert "Free some disk space" in conversion_failure(OSError(code, "No space left on device"))


@pytest.mark.parametrize(
    ("exc", "says"),
    [
        (
            FileNotFoundError(errno.ENOENT, "No such file", "/app/pikepdf/pdfa/data/sRGB.icc"),
            "installation of the app is incomplete",
        ),
        (PermissionError(errno.EACCES, "Permission denied", "/tmp/x"), "permission denied"),
        (OSError(errno.EIO, "Input/output error"), "Input/output error"),
    ],
)
def test_other_failures_say_what_happened_and_not_disk_space(exc: OSError, says: str) -> None:
    message = conversion_failure(exc)
    assert says in message
    assert "disk space" not in message
