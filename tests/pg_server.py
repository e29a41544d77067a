"""A throw-away PostgreSQL cluster for tests and benchmarks: initdb + pg_ctl in a temp folder,
listening on 127.0.0.1 and a socket in that folder only, removed when stopped.

PostgreSQL refuses to run as root, so under root (CI) the cluster belongs to the `postgres`
system user (else `nobody`) and its commands run through `runuser`.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from desktop_app.core.knowledge import KnowledgeBase

SUPERUSER = "postgres"
MIN_VERSION = 15
ADMIN = "gluteal_admin"  # owns the databases and runs the migrations; never a superuser
CLINICIAN = "Dr Test"  # a clinician's own login role: the audit actor on the server
TEMPLATE = "gluteal_template"


def server_bin() -> Path | None:
    """The newest PostgreSQL (15 or newer) server programs on this machine, or None."""
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]))
    for folder in Path("/usr/lib/postgresql").glob("*/bin"):
        candidates.append(folder)
    which = shutil.which("pg_ctl")
    if which:
        candidates.append(Path(which).parent)
    found = []
    for folder in candidates:
        if not (folder / "initdb").is_file() or not (folder / "pg_ctl").is_file():
            continue
        out = subprocess.run([folder / "pg_ctl", "--version"], capture_output=True, text=True)
        match = re.search(r"(\d+)", out.stdout)
        if match and int(match.group(1)) >= MIN_VERSION:
            found.append((int(match.group(1)), folder))
    return max(found)[1] if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _owner() -> str | None:
    """The system user to run the server as (None: the current user, when not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and there is no 'postgres' or 'nobody' user")


@dataclass
class Cluster:
    bin: Path
    folder: Path
    port: int
    owner: str | None

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{quote(user, safe='')}@127.0.0.1:{self.port}/{database}"

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        command = [str(a) for a in args]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def stop(self) -> None:
        self.run(self.bin / "pg_ctl", "-D", self.folder / "data", "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Cluster:
    """A new cluster, running; raises RuntimeError saying why when none can be started."""
    folder_bin = server_bin()
    if folder_bin is None:
        raise RuntimeError(
            f"no PostgreSQL {MIN_VERSION}+ server programs (initdb, pg_ctl) found: install the "
            "'postgresql' package (.ci/run does) or set PG_BIN"
        )
    owner = _owner()
    folder = Path(tempfile.mkdtemp(prefix="gluteal-pg-"))
    if owner is not None:
        entry = pwd.getpwnam(owner)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(folder_bin, folder, _free_port(), owner)
    data = folder / "data"
    steps = [
        (
            folder_bin / "initdb",
            "-D",
            data,
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ),
        (
            folder_bin / "pg_ctl",
            "-D",
            data,
            "-l",
            folder / "server.log",
            "-w",
            "-t",
            "60",
            "-o",
            f"-k {folder} -h 127.0.0.1 -p {cluster.port} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60",
            "start",
        ),
    ]
    for step in steps:
        done = cluster.run(*step)
        if done.returncode != 0:
            log = (folder / "server.log").read_text() if (folder / "server.log").exists() else ""
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError(
                f"{Path(step[0]).name} failed: {(done.stderr or done.stdout).strip()} {log}"
            )
    return cluster


@contextlib.contextmanager
def clinic(kb: KnowledgeBase) -> Iterator[Cluster]:
    """A running cluster set up as docs/clinic-server.md says (the admin, the clinicians' group
    role, one clinician's login) with a migrated template database; pytest skips when none can
    be started, and fails instead where PostgreSQL is required (GLUTEAL_REQUIRE_POSTGRESQL)."""
    import psycopg
    import pytest

    from desktop_app.storage.repository import Repository

    try:
        cluster = start()
    except RuntimeError as exc:
        if os.environ.get("GLUTEAL_REQUIRE_POSTGRESQL"):
            pytest.fail(f"PostgreSQL is required here but cannot be started: {exc}")
        pytest.skip(f"no PostgreSQL server can be started: {exc}")
    try:
        with psycopg.connect(cluster.url(), autocommit=True) as su:
            su.execute(f"CREATE ROLE {ADMIN} LOGIN CREATEDB")
            su.execute("CREATE ROLE gluteal_clinician NOLOGIN")
            su.execute(f'CREATE ROLE "{CLINICIAN}" LOGIN IN ROLE gluteal_clinician')
            su.execute(f"CREATE DATABASE {TEMPLATE} OWNER {ADMIN}")
        Repository.open_server(cluster.url(TEMPLATE, ADMIN), kb).close()
        yield cluster
    finally:
        cluster.stop()


def new_database(cluster: Cluster, name: str, *, migrated: bool = True) -> str:
    """A fresh database owned by the admin role (migrated: a copy of the template)."""
    import psycopg

    template = TEMPLATE if migrated else "template0"
    with psycopg.connect(cluster.url(), autocommit=True) as su:
        su.execute(f"CREATE DATABASE {name} TEMPLATE {template} OWNER {ADMIN}")
    return name
