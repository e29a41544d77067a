"""The 100,000-patient database, made once with the app's own `demo-data` command and cached.

Each patient has one demo visit (answers, findings, marks, measures, most of them signed). The
file name carries a hash of these numbers, the migrations and the generator, so a schema or
generator change rebuilds it; older copies are removed.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import Context
from bench.subprocesses import ROOT, child_env

PATIENTS = 100_000
VISITS_PER_PATIENT = 1
PREFIX = f"patients-{PATIENTS}-"
GENERATOR = ROOT / "desktop_app" / "storage" / "demo_data.py"


def _key() -> str:
    digest = hashlib.sha256(f"{PATIENTS}/{VISITS_PER_PATIENT}".encode())
    sources = [*sorted((ROOT / "db" / "migrations").glob("*.sql")), GENERATOR]
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def patients_database(ctx: Context) -> Path:
    """The cached database's path, built first when missing (about 30 s on 2 cores)."""
    path = ctx.cache_dir / f"{PREFIX}{_key()}.sqlite3"
    if path.exists():
        return path
    for stale in ctx.cache_dir.glob(f"{PREFIX}*"):
        stale.unlink()
    partial = ctx.cache_dir / f"{PREFIX}{_key()}.partial"
    started = time.perf_counter()
    ctx.log(f"[bench] building {path.name} with `main.py demo-data` (cached) ...")
    command = [
        sys.executable,
        str(ROOT / "main.py"),
        "demo-data",
        "--patients",
        str(PATIENTS),
        "--visits-per-patient",
        str(VISITS_PER_PATIENT),
        "--db",
        str(partial),
    ]
    subprocess.run(command, cwd=ROOT, env=child_env(ctx.work_dir), check=True)
    # Fold the write-ahead log into the file so it can be renamed and copied on its own.
    conn = sqlite3.connect(partial)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    Path(f"{partial}.lock").unlink(missing_ok=True)  # the app's writer-lock side file
    partial.rename(path)
    ctx.log(f"[bench] built in {time.perf_counter() - started:.0f} s")
    return path
