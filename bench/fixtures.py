"""Large synthetic databases, made once with the app's own demo-data generator and cached.

`patients_database(ctx)` is the 100,000-patient database with one demo visit each (answers,
findings, marks, measures, most of them signed). `patients_database(ctx, 1_000_000, 0)` is a
million registered patients without visits or audit entries, for search. Each file name carries
a hash of its numbers and the generator, so a generator change rebuilds it (older copies are
removed). A new migration does not: the cached file is brought up to date by the app's own
migrations (on a copy, renamed over it), seconds instead of the 5-15 minutes of a rebuild, so a
schema change landing on the day of a `make bench` keeps it under its time. The cache lives
outside the repository (see bench/__main__.py), so a million patients are built once per
machine, not once per clone.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from bench.harness import Context
from bench.subprocesses import ROOT

PATIENTS = 100_000
VISITS_PER_PATIENT = 1
GENERATOR = ROOT / "desktop_app" / "storage" / "demo_data.py"


def _key(patients: int, visits: int) -> str:
    digest = hashlib.sha256(f"{patients}/{visits}".encode())
    digest.update(GENERATOR.read_bytes())
    return digest.hexdigest()[:12]


def _up_to_date(path: Path, ctx: Context) -> Path:
    """``path`` with every current migration applied: a cached file made before a schema change
    is migrated on a copy that then replaces it (a killed upgrade leaves the old file)."""
    from desktop_app.storage.database import MIGRATION_SET, migration_names

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    applied = {
        name
        for (name,) in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
        )
    }
    conn.close()
    pending = [name for name in migration_names() if name not in applied]
    if not pending:
        return path
    from bench.workspace import knowledge_base
    from desktop_app.storage.database import defer_quick_check
    from desktop_app.storage.repository import Repository

    started = time.perf_counter()
    ctx.log(f"[bench] migrating the cached {path.name} ({', '.join(pending)}) ...")
    # A name never used before: the app refuses a missing file where one was seen (anchor).
    partial = path.with_name(f"{path.stem}-{time.time_ns()}.upgrade")
    shutil.copyfile(path, partial)
    with defer_quick_check(), Repository.open(partial, knowledge_base(), actor="Benchmark"):
        pass
    _settle(partial)
    partial.rename(path)
    ctx.log(f"[bench] migrated in {time.perf_counter() - started:.0f} s")
    return path


def _settle(partial: Path) -> None:
    """Fold the write-ahead log into the file so it can be renamed and copied on its own."""
    conn = sqlite3.connect(partial)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    Path(f"{partial}.lock").unlink(missing_ok=True)  # the app's writer-lock side file
    Path(f"{partial}.checked").unlink(missing_ok=True)  # its integrity-check record


def _build(partial: Path, patients: int, visits: int, ctx: Context) -> None:
    from bench.workspace import knowledge_base
    from desktop_app.storage.demo_data import generate
    from desktop_app.storage.repository import Repository

    def progress(done: int) -> None:
        if done % 100_000 == 0:
            ctx.log(f"[bench]   {done:,} patients")

    with Repository.open(partial, knowledge_base(), actor="Benchmark") as repo:
        generate(repo, patients, visits, progress=progress)


def _build_registered(partial: Path, patients: int, ctx: Context) -> None:
    """Registered patients only, written straight into the app's schema (its triggers fill the
    search index): minutes faster than the generator for a million, with no audit entries."""
    import datetime as dt
    import random

    from bench.workspace import knowledge_base
    from desktop_app.storage.demo_data import FIRST_NAMES, LAST_NAMES, SEX_CHOICES
    from desktop_app.storage.repository import Repository
    from desktop_app.storage.search import fold

    Repository.open(partial, knowledge_base(), actor="Benchmark").close()  # schema, migrations
    rng = random.Random(1)
    stamp = "2026-01-05T09:00:00+00:00"
    conn = sqlite3.connect(partial)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    step = 50_000
    for first in range(1, patients + 1, step):
        rows = []
        for patient_id in range(first, min(first + step, patients + 1)):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 65))
            rows.append(
                (
                    patient_id,
                    name,
                    born.isoformat(),
                    rng.choice(SEX_CHOICES),
                    f"DEMO-{patient_id:07d}",
                    fold(name),
                    stamp,
                    stamp,
                )
            )
        with conn:
            conn.executemany(
                "INSERT INTO patients (id, name, date_of_birth, sex, clinic_id, search_name, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        if (first - 1 + step) % 200_000 == 0:
            ctx.log(f"[bench]   {first - 1 + step:,} patients")
    conn.close()


def patients_database(
    ctx: Context, patients: int = PATIENTS, visits: int = VISITS_PER_PATIENT
) -> Path:
    """The cached database's path, built first when missing (100k with visits: minutes)."""
    prefix = f"patients-{patients}-v{visits}-"
    path = ctx.cache_dir / f"{prefix}{_key(patients, visits)}.sqlite3"
    if path.exists():
        return _up_to_date(path, ctx)
    building = [*ctx.cache_dir.glob(f"{prefix}*.partial"), *ctx.cache_dir.glob(f"{prefix}*-wal")]
    if _being_built(building, path, ctx):  # another bench run on this machine is making it
        return _up_to_date(path, ctx)
    for stale in ctx.cache_dir.glob(f"{prefix}*"):
        stale.unlink()
    # A name never used before: the app refuses a missing file where one was seen (its anchor
    # remembers an earlier build's partial file), so a rebuild on the same machine failed.
    partial = ctx.cache_dir / f"{prefix}{_key(patients, visits)}-{time.time_ns()}.partial"
    started = time.perf_counter()
    ctx.log(f"[bench] building {path.name} with the demo-data generator (cached) ...")
    if visits:
        _build(partial, patients, visits, ctx)
    else:
        _build_registered(partial, patients, ctx)
    _settle(partial)
    partial.rename(path)
    ctx.log(f"[bench] built in {time.perf_counter() - started:.0f} s")
    return path


def _being_built(partials: Iterable[Path], path: Path, ctx: Context) -> bool:
    """Wait for a build another process is writing (a partial file of it, or its log, changed
    in the last 2 minutes); True once the finished file is there."""
    side = list(partials)

    def busy() -> bool:
        return any(p.exists() and time.time() - p.stat().st_mtime < 120 for p in side)

    if not busy():
        return False
    ctx.log(f"[bench] waiting for another run building {path.name} ...")
    while not path.exists() and busy():
        time.sleep(5)
    return path.exists()


WORKSPACE = ROOT / "bench" / "workspace.py"
VISIT_COUNTS = (1, 20, 200, 2000)  # patients of the open-patient and history-PDF figures


def many_visits_database(ctx: Context) -> tuple[Path, dict[int, int]]:
    """A cached database of one patient per count in VISIT_COUNTS (each visit with answers and
    two scored outcome measures); returns its path and the patient id for each count.

    Callers copy it before writing (an export is audited).
    """
    from bench.workspace import knowledge_base, open_repository, patient_with_visits

    digest = hashlib.sha256(repr(VISIT_COUNTS).encode())
    digest.update(WORKSPACE.read_bytes())
    path = ctx.cache_dir / f"many-visits-{digest.hexdigest()[:12]}.sqlite3"
    if path.exists():
        _up_to_date(path, ctx)
    else:
        for stale in ctx.cache_dir.glob("many-visits-*"):
            stale.unlink()
        # A name never used before: the app refuses a missing file where one was seen (anchor).
        partial = path.with_name(f"{path.stem}-{time.time_ns()}.partial")
        started = time.perf_counter()
        ctx.log(f"[bench] building {path.name} (patients with {VISIT_COUNTS} visits, cached) ...")
        with open_repository(partial, knowledge_base()) as repo:
            for count in VISIT_COUNTS:
                patient_with_visits(repo, count, measures=2)
        _settle(partial)
        partial.rename(path)
        ctx.log(f"[bench] built in {time.perf_counter() - started:.0f} s")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    ids = dict(
        conn.execute(
            "SELECT count(v.id), p.id FROM patients p JOIN visits v "
            "ON v.patient_id = p.id GROUP BY p.id"
        ).fetchall()
    )
    conn.close()
    return path, {count: ids[count] for count in VISIT_COUNTS}
