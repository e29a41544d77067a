"""Several workstations writing to one clinic server at once: no lost update, one audit chain.

Real client processes (multiprocessing, spawn) against the test server. Each round every client
saves to one shared draft at the same moment (a barrier): exactly one save wins and the others
are refused with VisitConflict; then each signs and amends a visit of its own.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository
from tests.storage import pg_clients

CLIENTS = 3
ROUNDS = 8


def test_concurrent_workstations_lose_nothing_and_keep_one_chain(
    pg_url: str, kb: KnowledgeBase
) -> None:
    with Repository.open_server(pg_url, kb) as repo:
        first = repo.create_patient("Shared Patient", dt.date(1960, 1, 1), "female")
        shared = repo.create_visit(first.id, "initial", ["pain"], dt.date(2026, 1, 1)).id
        entries_before = len(repo.audit_trail())
    context = multiprocessing.get_context("spawn")
    barrier = context.Manager().Barrier(CLIENTS)
    with context.Pool(CLIENTS) as pool:
        results = pool.starmap(
            pg_clients.workstation,
            [(pg_url, kb, n, ROUNDS, shared, barrier) for n in range(CLIENTS)],
        )
    saved = sorted(s for r in results for s in r["saved"])
    conflicts = sum(r["conflicts"] for r in results)
    # Every round has one winner; every other save was refused, none silently overwritten.
    assert len(saved) == ROUNDS and conflicts == ROUNDS * (CLIENTS - 1)
    assert [version for version, _ in saved] == list(range(2, ROUNDS + 2))
    with Repository.open_server(pg_url, kb) as repo:
        visit = repo.get_visit(shared)
        assert visit.observations.answers["age"] == saved[-1][1]  # the last winner's value
        own = [v for r in results for v in r["own"]]
        assert len(own) == len(set(own)) == CLIENTS * ROUNDS
        assert all(repo.get_visit(v).is_signed for v in own)
        assert all(len(repo.amendments(v)) == 1 for v in own)
        trail = repo.audit_trail()
        # Per client: a patient and its clinician, then per round its shared save (if it won),
        # and for its own visit: create (+ episode), 3 answers, sign, amend.
        expected = CLIENTS * 2 + ROUNDS + CLIENTS * ROUNDS * 7
        assert len(trail) - entries_before == expected
        assert [e.id for e in trail] == list(range(1, len(trail) + 1))
        assert repo.verify() == []
