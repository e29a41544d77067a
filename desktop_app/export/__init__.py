"""PDF export: clinical summary, referral letter, patient history and safety-net card.

ReportLab and pikepdf are imported only when a document is written (they cost start-up time).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from desktop_app.core.errors import ExportError
from desktop_app.export.bundle import KINDS, VisitBundle

__all__ = ["KINDS", "VisitBundle", "render_pdf", "write_pdf"]

log = logging.getLogger(__name__)


def _renderer(kind: str) -> Callable[[VisitBundle], bytes]:
    if kind == "summary":
        from desktop_app.export.summary import render_summary

        return render_summary
    if kind == "referral":
        from desktop_app.export.referral import render_referral

        return render_referral
    if kind == "safety-card":
        from desktop_app.export.safety_card import render_safety_card

        return render_safety_card
    if kind == "history":
        from desktop_app.export.history import render_history

        return render_history
    raise ExportError(f"Unknown document '{kind}': choose one of {', '.join(KINDS)}.")


def render_pdf(kind: str, bundle: VisitBundle, record: str = "") -> bytes:
    """The finished, validated PDF/A-2b bytes of one document (with the record stamp, if any)."""
    from reportlab.platypus.doctemplate import LayoutError

    from desktop_app.export.pdfa import to_pdfa

    render = _renderer(kind)
    try:
        data = render(bundle)
    except LayoutError as exc:
        raise ExportError(f"The {kind} could not be laid out on the page: {exc}") from exc
    return to_pdfa(data, record)


def write_pdf(kind: str, bundle: VisitBundle, out: Path, record: str = "") -> Path:
    """Write one document to `out` via a temporary name; on failure raise ExportError."""
    from desktop_app.export.files import check_destination, write_atomically

    out = Path(out)
    check_destination(out)
    data = render_pdf(kind, bundle, record)
    write_atomically(data, out)
    log.info("exported %s of visit %d (%d bytes)", kind, bundle.visit.id, len(data))
    return out
