"""App-level glue between storage and export: gather a visit's records and write its PDF."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.clinicians import Clinician
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import differential_of
from desktop_app.core.referral import ReferralLetter, clean_letter
from desktop_app.export import VisitBundle, write_pdf
from desktop_app.export.layout import PAGE_HOOK
from desktop_app.storage.repository import Repository


def load_bundle(
    repo: Repository,
    kb: KnowledgeBase,
    visit_id: int,
    *,
    kind: str = "history",
    author: Clinician | None = None,
    letter: ReferralLetter | None = None,
    on_visit: Callable[[int, int], None] | None = None,
) -> VisitBundle:
    """The visit, its patient and settings, the measure scores of all the patient's visits and,
    for the history, every visit of the patient with its amendments (else the visit's own).

    The other documents show the earlier visits only through their scores, read in one query:
    reading each visit took 630 ms for a patient with 2000 visits. ``on_visit(n, total)`` is
    called before the history reads its n-th visit (raising from it stops the reading). The
    document is from `author` if given, else from whoever signed the visit.
    """
    visit = repo.get_visit(visit_id)
    patient = repo.get_patient(visit.patient_id)
    history = [visit]
    if kind == "history":
        summaries = list(reversed(repo.list_visits(patient.id)))  # newest first -> oldest first
        history = []
        for n, summary in enumerate(summaries, 1):
            if on_visit is not None:
                on_visit(n, len(summaries))
            history.append(visit if summary.id == visit.id else repo.get_visit(summary.id))
    differential = differential_of(kb, visit)
    amendments = [a for v in history for a in repo.amendments(v.id)]
    return VisitBundle(
        kb,
        repo.settings(),
        patient,
        visit,
        differential,
        amendments,
        history,
        repo.measure_histories(patient.id),
        author=author.signature if author is not None else visit.signed_by,
        letter=letter,
    )


@dataclass(frozen=True)
class Exported:
    """A written export: the file, and why it is not in the audit log ("" when it is)."""

    path: Path
    not_audited: str = ""


def export_visit(
    repo: Repository,
    kb: KnowledgeBase,
    visit_id: int,
    kind: str,
    out: Path,
    *,
    author: int | None = None,
    letter: ReferralLetter | None = None,
) -> Path:
    """Write the visit's PDF of the given kind and audit it (see write_export); its path."""
    return write_export(repo, kb, visit_id, kind, out, author=author, letter=letter).path


def write_export(
    repo: Repository,
    kb: KnowledgeBase,
    visit_id: int,
    kind: str,
    out: Path,
    *,
    author: int | None = None,
    letter: ReferralLetter | None = None,
) -> Exported:
    """Write the visit's PDF of the given kind, stamped with the record, and audit the export
    (with a referral's addressee, reason and question).

    The stamp (visit, fingerprint, audit head) and the audit entry (the file's SHA-256) let
    `verify --pdf FILE` tell this exact file from an altered one. A file written but not
    audited (the database's disk is full) is still written: the result says why.
    """
    job = prepare_export(repo, kb, visit_id, kind, out, author=author, letter=letter)
    return record_export(repo, job, render_export(job))


@dataclass(frozen=True)
class PreparedExport:
    """Everything a PDF needs, read from the database: rendering it reads nothing more."""

    visit_id: int
    kind: str
    out: Path
    bundle: VisitBundle
    stamp: str
    details: str  # the audit entry's addressee, reason and question of a referral


def prepare_export(
    repo: Repository,
    kb: KnowledgeBase,
    visit_id: int,
    kind: str,
    out: Path,
    *,
    author: int | None = None,
    letter: ReferralLetter | None = None,
    on_visit: Callable[[int, int], None] | None = None,
) -> PreparedExport:
    """Read the records of one export (on the thread that owns the repository; the window's
    worker reads on a storage.reading_copy). ``on_visit``: see load_bundle."""
    clinician = repo.clinician(author) if author is not None else None
    letter = clean_letter(letter) if letter is not None else None
    bundle = load_bundle(
        repo, kb, visit_id, kind=kind, author=clinician, letter=letter, on_visit=on_visit
    )
    details = letter.audit_detail() if letter is not None else ""
    return PreparedExport(visit_id, kind, Path(out), bundle, repo.record_stamp(visit_id), details)


def render_export(job: PreparedExport, on_page: Callable[[int], None] | None = None) -> Path:
    """Lay out and write the PDF; no database access, so it may run on a worker thread.

    ``on_page`` is called with each page number as it is laid out; raising from it stops the
    export before anything is written.
    """
    token = PAGE_HOOK.set(on_page)
    try:
        return write_pdf(job.kind, job.bundle, job.out, job.stamp)
    finally:
        PAGE_HOOK.reset(token)


def record_export(repo: Repository, job: PreparedExport, written: Path) -> Exported:
    """Audit a written export with the file's SHA-256 (on the repository's thread)."""
    digest = hashlib.sha256(written.read_bytes()).hexdigest()
    why = repo.record_export(job.visit_id, job.kind, written.name, digest, job.details)
    return Exported(written, why)
