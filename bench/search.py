"""Patient search in the 100,000-patient database against the same query as raw FTS5 SQL."""

from __future__ import annotations

import sqlite3

from bench.fixtures import patients_database
from bench.harness import Context, Goal, Result, interleaved_medians
from bench.workspace import knowledge_base, open_repository
from desktop_app.storage.search import fts_query

GOAL = Goal(max_ratio=2.0, max_value=20.0)
LIMIT = 50
FLOOR_IS = (
    "sqlite3 on the same file: SELECT the patient columns FROM patients_fts JOIN patients "
    f"WHERE patients_fts MATCH <the same FTS5 query> LIMIT {LIMIT}"
)
RAW = (
    "SELECT p.id, p.name, p.date_of_birth, p.sex, p.clinic_id, p.contact, p.notes "
    "FROM patients_fts JOIN patients p ON p.id = patients_fts.rowid "
    "WHERE patients_fts MATCH ? LIMIT ?"
)


def typed_query(conn: sqlite3.Connection) -> str:
    """What a clinician types: the first three letters of a stored patient's last name."""
    middle = conn.execute("SELECT max(id) / 2 FROM patients").fetchone()[0]
    name = conn.execute("SELECT name FROM patients WHERE id >= ? LIMIT 1", [middle]).fetchone()[0]
    return name.split()[-1][:3]


def measure(ctx: Context) -> list[Result]:
    """Median of Repository.search_patients beside the raw FTS5 query, interleaved."""
    path = patients_database(ctx)
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    text = typed_query(raw)
    match = fts_query(text)
    repo = open_repository(path, knowledge_base())
    try:
        count = repo.patient_count()
        found = len(repo.search_patients(text, LIMIT))
        repeats = ctx.repeats(200)
        floor_ms, app_ms = interleaved_medians(
            lambda: raw.execute(RAW, [match, LIMIT]).fetchall(),
            lambda: repo.search_patients(text, LIMIT),
            repeats,
            warmup=5,
        )
    finally:
        repo.close()
        raw.close()
    note = f"{count:,} patients; query {text!r} ({found} shown, limit {LIMIT})."
    return [
        Result(
            "Patient search, 100k patients", "ms", repeats, GOAL, app_ms, floor_ms, FLOOR_IS, note
        )
    ]
