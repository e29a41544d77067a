"""The 100,000-patient database, made once with the app's own demo-data function and cached.

95,000 patients are registered without visits and 5,000 have one full demo visit each: the
`demo-data` command writes about 24 kB and 4 ms per visit (signed, audited), so 100,000 patients
with visits would take 7 minutes and 2.4 GB, beyond what a fresh `make bench` may spend.

The file name carries a hash of the migrations and of these numbers, so a schema change rebuilds
it; older copies are removed. Run as `python -m bench.fixtures PATH` to build one directly.
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

REGISTERED_ONLY = 95_000
WITH_ONE_VISIT = 5_000
PATIENTS = REGISTERED_ONLY + WITH_ONE_VISIT
PREFIX = f"patients-{PATIENTS}-"


def _key() -> str:
    digest = hashlib.sha256(f"{REGISTERED_ONLY}/{WITH_ONE_VISIT}".encode())
    for script in sorted((ROOT / "db" / "migrations").glob("*.sql")):
        digest.update(script.read_bytes())
    return digest.hexdigest()[:12]


def build(path: Path) -> None:
    """Fill a new database at ``path`` with the app's demo-data generator."""
    from desktop_app import paths
    from desktop_app.core.kb_loader import load_knowledge_base
    from desktop_app.storage.demo_data import generate
    from desktop_app.storage.repository import Repository

    with Repository.open(path, load_knowledge_base(paths.KNOWLEDGE_BASE)) as repo:
        generate(repo, REGISTERED_ONLY, 0, seed=1)
        generate(repo, WITH_ONE_VISIT, 1, seed=2)
    # Fold the write-ahead log into the file so it can be renamed and copied on its own.
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    Path(f"{path}.lock").unlink(missing_ok=True)  # the app's writer-lock side file


def patients_database(ctx: Context) -> Path:
    """The cached database's path, built first (in a subprocess) when missing."""
    path = ctx.cache_dir / f"{PREFIX}{_key()}.sqlite3"
    if path.exists():
        return path
    for stale in ctx.cache_dir.glob(f"{PREFIX}*"):
        stale.unlink()
    partial = ctx.cache_dir / f"{PREFIX}{_key()}.partial"
    started = time.perf_counter()
    ctx.log(f"[bench] building {path.name} with the demo-data generator (cached) ...")
    subprocess.run(
        [sys.executable, "-m", "bench.fixtures", str(partial)],
        cwd=ROOT,
        env=child_env(ctx.work_dir),
        check=True,
    )
    partial.rename(path)
    ctx.log(f"[bench] built in {time.perf_counter() - started:.0f} s")
    return path


if __name__ == "__main__":
    build(Path(sys.argv[1]))
