"""Crash safety: a writer killed with SIGKILL at random moments never loses a committed answer."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import signal
import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository

KILLS = 50
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork are POSIX"),
]


def save_until_killed(db_path: Path, kb: KnowledgeBase, report: int) -> None:
    """Child: create visits and save answers forever, reporting each save once it returned."""
    repo = Repository.open(db_path, kb)
    existing = repo.search_patients("", limit=1)
    if existing:
        patient_id = existing[0].id
    else:
        patient_id = repo.create_patient("Crash Test", dt.date(1970, 1, 1), "other").id
    n = 0
    while True:
        visit = repo.create_visit(patient_id, "follow_up", ["pain"])
        for prompt, value in (("sitting", "yes"), ("fever", "no"), ("age", n % 120)):
            repo.save_answer(visit.id, prompt, value)
            os.write(report, f"{visit.id} {prompt} {value}\n".encode())
        n += 1


def test_killed_writers_lose_no_committed_answer(db_path: Path, kb: KnowledgeBase) -> None:
    Repository.open(db_path, kb).close()  # create and migrate before the first kill
    rng = random.Random(20261122)
    context = multiprocessing.get_context("fork")
    reported: list[str] = []
    for _ in range(KILLS):
        read, write = os.pipe()
        child = context.Process(target=save_until_killed, args=(db_path, kb, write))
        child.start()
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            # Killed after a random number of reported saves, mid-way through the next one: the
            # child's own reports pace the kills, not the clock (robust on a loaded machine).
            for _ in range(rng.randint(1, 12)):
                reported.append(pipe.readline().decode().strip())
            os.kill(child.pid or 0, signal.SIGKILL)
            child.join()
            reported += pipe.read().decode().splitlines()
    assert len(reported) > 2 * KILLS  # the children did get to save, again and again

    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Repository.open(db_path, kb) as repo:
        for line in reported:
            visit_id, prompt, value = line.split()
            stored = repo.get_visit(int(visit_id)).observations.answers[prompt]
            assert str(stored) == value, line
        assert repo.verify() == []  # the audit chain survived every kill
