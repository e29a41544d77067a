"""PDF/A-2b conversion with pikepdf, validated before the bytes are kept (ECOSYSTEM.md)."""

from __future__ import annotations

import errno
import io
import os
import tempfile
from os import PathLike
from pathlib import Path

from desktop_app.core.errors import ExportError

RECORD_KEY = "/GlutealAssessRecord"  # the record stamp: visit, fingerprint, audit head (JSON)


def to_pdfa(data: bytes, record: str = "") -> bytes:
    """Convert ReportLab output to validated PDF/A-2b (sRGB output intent, XMP metadata).

    `record` (JSON) goes into the document information as RECORD_KEY, for `verify --pdf`.
    """
    import pikepdf
    from pikepdf import pdfa

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if record:
            pdf.docinfo[RECORD_KEY] = pikepdf.String(record)
        shared: dict[bytes, pikepdf.Object] = {}
        for page in pdf.pages:
            # ReportLab writes an empty /Trans (page transition) on each page; PDF/A refuses it.
            if "/Trans" in page.obj:
                del page.obj["/Trans"]
            # ReportLab repeats the same resource dictionary inside every page; one shared
            # object is the same document, and the validator checks an object once, not the
            # copy in each page (a 405-page history).
            resources = page.obj.get("/Resources")
            if isinstance(resources, pikepdf.Dictionary) and not resources.is_indirect:
                key = resources.unparse()
                if key not in shared:
                    shared[key] = pdf.make_indirect(resources)
                page.obj["/Resources"] = shared[key]
        out = io.BytesIO()
        try:
            pdfa.save(pdf, out, "2b")
        except pdfa.PdfaError as exc:
            raise ExportError(
                "The PDF did not pass archival (PDF/A-2b) validation and was not saved: "
                f"{exc.report.summary(limit=3)}"
            ) from exc
        except OSError as exc:  # pikepdf reads its own data files and writes a temporary one
            raise ExportError(conversion_failure(exc)) from exc
    return out.getvalue()


def read_record(path: Path) -> str | None:
    """The record stamp of a PDF this app exported; None if it has none or is not a PDF."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            value = pdf.docinfo.get(RECORD_KEY)
            return None if value is None else str(value)
    except (pikepdf.PdfError, OSError, ValueError):
        return None


def conversion_failure(exc: OSError) -> str:
    """What went wrong, truthfully: only a full disk asks the user to free space."""
    name = os.fsdecode(exc.filename) if isinstance(exc.filename, str | bytes | PathLike) else ""
    where = f" ({name})" if name and not name.startswith("<") else ""  # not an open file's repr
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"The temporary folder {tempfile.gettempdir()} is on a full disk, so the PDF could "
            "not be prepared. Free some disk space and try again."
        )
    if isinstance(exc, FileNotFoundError):
        return (
            f"This installation of the app is incomplete: a file that PDF/A conversion needs is "
            f"missing{where}. Nothing was saved. Reinstall the app."
        )
    if isinstance(exc, PermissionError):
        return (
            f"The PDF could not be prepared: permission denied{where}. Check that the temporary "
            f"folder {tempfile.gettempdir()} can be written. Nothing was saved."
        )
    return f"The PDF could not be prepared ({exc.strerror or exc}{where}). Nothing was saved."
