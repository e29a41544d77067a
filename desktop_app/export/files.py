"""Writing the finished PDF: a temporary name in the target folder, renamed when complete."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from desktop_app.core.errors import ExportError


def _reason(exc: OSError, out: Path, what: str = "PDF") -> str:
    folder = out.parent
    if isinstance(exc, IsADirectoryError) or out.is_dir():
        return f"{out} is a folder. Choose a file name for the {what}."
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"You are not allowed to write to {folder}. Choose another folder."
    if exc.errno == errno.EROFS:
        return f"{folder} is on a read-only disk. Choose another folder."
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"The disk holding {folder} is full. Free some space or choose another folder."
    return f"Cannot write the {what} to {out}: {exc.strerror or exc}."


def check_destination(out: Path, what: str = "PDF") -> None:
    """Fail early, before rendering, when the folder is missing or the name is a folder."""
    if not out.parent.is_dir():
        raise ExportError(f"The folder {out.parent} does not exist. Choose another folder.")
    if out.is_dir():
        raise ExportError(f"{out} is a folder. Choose a file name for the {what}.")


def write_atomically(data: bytes, out: Path, what: str = "PDF") -> Path:
    """Write data to out so that a reader sees either the old file or the complete new one.

    `what` names the kind of file in messages (PDF, FHIR JSON, CSV).
    """
    check_destination(out, what)
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
        tmp = Path(name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise ExportError(_reason(exc, out, what)) from exc
    return out
