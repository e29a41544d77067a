"""verify's fast fingerprints (storage/fingerprints.py, SQLite rendering the items' JSON) agree
with the definition (audit.signed_fingerprints) on awkward text, and a change the definition sees
is seen: in an item's text, in an integer turned into a REAL one ulp away, in a BLOB."""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage import audit, fingerprints
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit, signer

pytestmark = pytest.mark.sqlite_only
AWKWARD = [
    'quote " backslash \\ slash /',
    "new\nline\ttab",
    "line separator \u2028, paragraph \u2029",
    "Zoë Łukasiewicz 李 😀",
    "",
]


def _signed(path: Path, kb: KnowledgeBase) -> list[int]:
    ids = []
    with Repository.open(path, kb) as repo:
        for n, text in enumerate(AWKWARD):
            patient = repo.create_patient(f"Patient {n}", dt.date(1970, 1, 1 + n), "other")
            visit = filled_visit(repo, patient.id, sign=False)
            repo.acknowledge_red_flag(visit.id, "hot", n % 2 == 0, text, by=signer(repo))
            repo.save_plan(visit.id, text)
            repo.save_answer(visit.id, "age", 40 + n)
            repo.save_measure(visit.id, "pain_scale", {"now": n + 0.1})  # a REAL score
            repo.sign_visit(visit.id, by=signer(repo))
            ids.append(visit.id)
        repo.create_visit(patient.id, "follow_up", ["pain"], dt.date(2026, 2, 1))  # a draft
    return ids


def _raw(path: Path) -> sqlite3.Connection:
    """A plain connection with the guard triggers dropped, as an attacker's (tamper matrix)."""
    conn = sqlite3.connect(path)
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE(ABORT%'"
    ).fetchall()
    for (name,) in names:
        conn.execute(f"DROP TRIGGER {name}")
    return conn


def _both(path: Path) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """(stored, fast, definition) fingerprints of every signed visit."""
    conn = sqlite3.connect(path)
    try:
        from sqlite_utils import Database

        db = Database(conn)
        stored = {
            r[0]: r[1]
            for r in conn.execute("SELECT id, fingerprint FROM visits WHERE status = 'signed'")
        }
        first, last = min(stored), max(stored)
        return (
            stored,
            fingerprints.signed_fingerprints(db, first, last, stored),
            audit.signed_fingerprints(db, first, last),
        )
    finally:
        conn.close()


def test_fast_fingerprints_equal_the_definition_on_awkward_text(
    db_path: Path, kb: KnowledgeBase
) -> None:
    ids = _signed(db_path, kb)
    stored, fast, definition = _both(db_path)
    assert sorted(stored) == ids
    assert fast == definition == stored
    # Control characters the app refuses today but an older file may hold: refingerprinted
    # by the definition (as if signed so), the fast way agrees.
    conn = _raw(db_path)
    conn.execute(
        "UPDATE red_flag_acks SET reason = ? WHERE visit_id = ?",
        ["return\r, \x01, \x1f, DEL \x7f, \x00 nul", ids[0]],
    )
    from sqlite_utils import Database

    redone = audit.signed_fingerprints(Database(conn), ids[0], ids[0])[ids[0]]
    conn.execute("UPDATE visits SET fingerprint = ? WHERE id = ?", [redone, ids[0]])
    conn.commit()
    conn.close()
    stored, fast, definition = _both(db_path)
    assert fast == definition == stored


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE red_flag_acks SET reason = reason || ' ' WHERE visit_id = {v}",
        "UPDATE red_flag_acks SET referred = 1.0000000000000002 WHERE visit_id = {v}",
        "UPDATE answers SET value = '41' WHERE visit_id = {v} AND prompt_id = 'age'",
        "UPDATE measure_results SET score = score + 1e-15 WHERE visit_id = {v}",
        "DELETE FROM exam_findings WHERE visit_id = {v} AND item_id = 'strength'",
    ],
    ids=["text", "integer-to-real", "answer", "real-score", "deleted-item"],
)
def test_a_changed_item_changes_the_fast_fingerprint_as_it_does_the_definition(
    db_path: Path, kb: KnowledgeBase, change: str
) -> None:
    ids = _signed(db_path, kb)
    victim = ids[0] if "referred" not in change else ids[1]  # ids[1] has referred = 0
    conn = _raw(db_path)
    conn.execute(change.format(v=victim))
    conn.commit()
    conn.close()
    stored, fast, definition = _both(db_path)
    assert fast == definition
    assert [v for v in ids if fast[v] != stored[v]] == [victim]
    with Repository.open(db_path, kb) as repo:
        problems = repo.verify()
    assert any(f"Visit {victim}: its content no longer matches" in p for p in problems), problems


@pytest.mark.parametrize("now", [10 / 3, 0.1], ids=["no-15-digit-text", "short-text"])
def test_a_real_score_one_ulp_away_is_seen(db_path: Path, kb: KnowledgeBase, now: float) -> None:
    """SQLite's JSON gives a REAL 15 digits: 0.1 and the double after it both read "0.1", so
    rendering the changed score that way would match the signed text. Such a value (and 10/3,
    which has no faithful 15-digit text) is rendered by Python, and the change is seen."""
    with Repository.open(db_path, kb) as repo:
        patient = repo.create_patient("Third", dt.date(1970, 1, 1), "other")
        visit = filled_visit(repo, patient.id, sign=False)
        repo.save_measure(visit.id, "pain_scale", {"now": now})
        repo.sign_visit(visit.id, by=signer(repo))
    stored, fast, definition = _both(db_path)
    assert fast == definition == stored
    conn = _raw(db_path)
    score = conn.execute(
        "SELECT score FROM measure_results WHERE visit_id = ?", [visit.id]
    ).fetchone()[0]
    nudged = math.nextafter(score, 10.0)
    assert conn.execute("SELECT json_quote(?) = json_quote(?)", [score, nudged]).fetchone()[0]
    conn.execute("UPDATE measure_results SET score = ? WHERE visit_id = ?", [nudged, visit.id])
    conn.commit()
    conn.close()
    stored, fast, definition = _both(db_path)
    assert fast == definition and fast[visit.id] != stored[visit.id]
