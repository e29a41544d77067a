"""PDF/A-2b conversion with pikepdf, validated before the bytes are kept (ECOSYSTEM.md)."""

from __future__ import annotations

import io

from desktop_app.core.errors import ExportError


def to_pdfa(data: bytes) -> bytes:
    """Convert ReportLab output to validated PDF/A-2b (sRGB output intent, XMP metadata)."""
    import pikepdf
    from pikepdf import pdfa

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            # ReportLab writes an empty /Trans (page transition) on each page; PDF/A refuses it.
            if "/Trans" in page.obj:
                del page.obj["/Trans"]
        out = io.BytesIO()
        try:
            pdfa.save(pdf, out, "2b")
        except pdfa.PdfaError as exc:
            raise ExportError(
                "The PDF did not pass archival (PDF/A-2b) validation and was not saved: "
                f"{exc.report.summary(limit=3)}"
            ) from exc
        except OSError as exc:  # pikepdf validates through a file in the temporary folder
            raise ExportError(
                f"Cannot prepare the PDF in the temporary folder ({exc.strerror or exc}). "
                "Free some disk space and try again."
            ) from exc
    return out.getvalue()
