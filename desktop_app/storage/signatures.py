"""A signature as rows: the one way a visit becomes signed, used by Repository.sign_visit and by
the bulk demo-data writer, so both store the same columns and the same fingerprint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from desktop_app.core.differential import Differential  # the record, not the engine
from desktop_app.storage import audit

SIGNED = "signed"
STORE_SNAPSHOT = "INSERT OR IGNORE INTO differentials (sha256, snapshot) VALUES (?, ?)"
SIGN_VISIT = (
    "UPDATE visits SET status = :status, signed_at = :signed_at, signed_by = :signed_by, "
    "differential = :differential, leading_condition = :leading_condition, "
    "fingerprint = :fingerprint, updated_at = :signed_at WHERE id = :id"
)


def snapshot(differential: Differential) -> tuple[str, str]:
    """(key, JSON) of the differential as stored with a signature; the key is its SHA-256."""
    text = audit.canonical_json(differential.to_dict())
    return audit.sha256(text), text


def signed_visit(
    visit: Mapping[str, Any],
    children: Mapping[str, Sequence[Sequence[Any]]],
    *,
    signer: str,
    signed_at: str,
    differential_key: str,
    leading: str,
) -> dict[str, Any]:
    """The visit's row as signed (parameters of SIGN_VISIT), its content fingerprint included."""
    row = {
        **visit,
        "status": SIGNED,
        "signed_at": signed_at,
        "signed_by": signer,
        "differential": differential_key,
        "leading_condition": leading,
    }
    row["fingerprint"] = audit.visit_fingerprint(row, children)
    return row
