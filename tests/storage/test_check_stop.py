"""Quitting interrupts an integrity check at once (issue 17: SQLite asks a progress handler only
after the whole file is read, so quitting waited 1.5 s at 1M patients)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from desktop_app.storage.database import StopRequest, interruptible, quick_check


def test_a_stop_requested_before_the_check_interrupts_it(tmp_path: Path) -> None:
    db = tmp_path / "plain.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    stop = StopRequest()
    stop.set()
    with pytest.raises(sqlite3.OperationalError, match="interrupt"):  # see gui/startup_checks
        quick_check(db, stop)


def test_a_stop_from_another_thread_interrupts_a_running_statement() -> None:
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    stop = StopRequest()
    ended: list[object] = []

    def endless() -> None:
        try:
            with interruptible(conn, stop):
                conn.execute(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                    "SELECT count(*) FROM n"
                ).fetchone()
        except sqlite3.OperationalError as exc:
            ended.append(exc)

    worker = threading.Thread(target=endless)
    worker.start()
    time.sleep(0.05)
    stop.set()
    worker.join(10)
    assert not worker.is_alive() and ended and "interrupt" in str(ended[0])
    conn.close()
