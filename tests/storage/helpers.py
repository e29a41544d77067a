"""Helpers shared by storage tests: a filled visit and raw table contents."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from desktop_app.core.observations import Mark
from desktop_app.core.records import Visit
from desktop_app.storage.repository import Repository

TABLES = (
    "patients",
    "episodes",
    "visits",
    "answers",
    "exam_findings",
    "body_marks",
    "measure_results",
    "red_flag_acks",
    "amendments",
    "differentials",
    "settings",
)


def signer(repo: Repository, name: str = "Dr Test") -> int:
    """The ID of the clinician `name` of this database, added (as a physiotherapist) if new."""
    found = [c.id for c in repo.clinicians() if c.name == name]
    return found[0] if found else repo.add_clinician(name, "Physiotherapist", "PH000001").id


def filled_visit(repo: Repository, patient_id: int, sign: bool = True) -> Visit:
    """A visit with answers, findings, a mark, a measure, a red flag acknowledged and a plan."""
    visit = repo.create_visit(patient_id, "initial", ["pain"], dt.date(2026, 1, 12))
    repo.save_answer(visit.id, "fever", "yes")
    repo.save_answer(visit.id, "drug", "steroid")
    repo.save_answer(visit.id, "age", 72)
    repo.save_exam(visit.id, "test_a", "left", "positive")
    repo.save_exam(visit.id, "strength", "right", 3.5)
    repo.set_mark(visit.id, Mark("buttock", "depression", "left"), True)
    repo.save_measure(visit.id, "pain_scale", {"now": 7})
    repo.acknowledge_red_flag(visit.id, "hot", False, "Seen by GP this morning", by=signer(repo))
    repo.save_plan(visit.id, "Referral letter; review in 2 weeks.")
    if sign:
        return repo.sign_visit(visit.id, by=signer(repo))
    return repo.get_visit(visit.id)


def table_contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the app's tables (not the audit log), read with plain sqlite3."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}
    finally:
        conn.close()
