"""Several workstations writing to one clinic server at once: no lost update, one audit chain.

Real client processes (multiprocessing, spawn) against the test server. Each round every client
saves to one shared draft and to one shared patient's details at the same moment (a barrier):
exactly one save of each wins and the others are refused (VisitConflict, PatientConflict); then
each signs and amends a visit of its own. The figures are printed (pytest -s) for the notes.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from typing import Any

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
            [(pg_url, kb, n, ROUNDS, shared, first.id, barrier) for n in range(CLIENTS)],
        )
    saved = sorted(s for r in results for s in r["saved"])
    conflicts = sum(r["conflicts"] for r in results)
    # Every round has one winner; every other save was refused, none silently overwritten.
    assert len(saved) == ROUNDS and conflicts == ROUNDS * (CLIENTS - 1)
    assert [version for version, _ in saved] == list(range(2, ROUNDS + 2))
    contacts = [c for r in results for c in r["contacts"]]
    patient_conflicts = sum(r["patient_conflicts"] for r in results)
    assert len(contacts) == ROUNDS and patient_conflicts == ROUNDS * (CLIENTS - 1)
    with Repository.open_server(pg_url, kb) as repo:
        visit = repo.get_visit(shared)
        assert visit.observations.answers["age"] == saved[-1][1]  # the last winner's value
        details = repo.get_patient(first.id)
        assert details.version == ROUNDS + 1
        assert details.contact == f"client {_round_winner(results, ROUNDS - 1)} round {ROUNDS - 1}"
        own = [v for r in results for v in r["own"]]
        assert len(own) == len(set(own)) == CLIENTS * ROUNDS
        assert all(repo.get_visit(v).is_signed for v in own)
        assert all(len(repo.amendments(v)) == 1 for v in own)
        trail = repo.audit_trail()
        # Per client: a patient and its clinician, then per round its shared saves (if it won),
        # and for its own visit: create (+ episode), 3 answers, sign, amend.
        expected = CLIENTS * 2 + 2 * ROUNDS + CLIENTS * ROUNDS * 7
        assert len(trail) - entries_before == expected
        assert [e.id for e in trail] == list(range(1, len(trail) + 1))
        assert repo.verify() == []
    writes = len(saved) + len(contacts) + conflicts + patient_conflicts + CLIENTS * ROUNDS * 6
    print(
        f"\nconcurrency: {CLIENTS} clients x {ROUNDS} rounds; {expected} audited writes "
        f"({writes} write attempts); shared draft: {len(saved)} saved, {conflicts} conflicts; "
        f"shared patient: {len(contacts)} saved, {patient_conflicts} conflicts; "
        f"{len(own)} own visits signed and amended; 0 lost; one chain of {len(trail)} entries; "
        "verify clean"
    )


def _round_winner(results: list[dict[str, Any]], n: int) -> int:
    """The client whose save of the shared patient won round n."""
    winners = [
        i for i, r in enumerate(results) if any(c.endswith(f" round {n}") for c in r["contacts"])
    ]
    assert len(winners) == 1
    return winners[0]
