"""The clinic server's operations, run as an administrator would: migrate, migrate-to-server,
backup with pg_dump and a verified restore into a scratch database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop_app.app import run
from desktop_app.cli import build_parser
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository
from tests import pg_server
from tests.storage.conftest import ADMIN, CLINICIAN, new_database
from tests.storage.helpers import filled_visit, signer

NAMES = ("Zoë Łukasiewicz", "Γιώργος Παπαδόπουλος", "山田 太郎", "Anna Kowalczyk", "Zoe Adams")
QUERIES = ("zoe", "Łuk", "lukasiewicz", "γιωργος", "ΠΑΠΑ", "山田", "太", "kow", "zo ad", "1980")


def command(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = run(build_parser().parse_args(list(argv)))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _search(repo: Repository) -> dict[str, list[str]]:
    return {q: [p.name for p in repo.search_patients(q)] for q in QUERIES}


def test_a_file_moves_to_the_server_unchanged_and_searches_the_same(
    tmp_path: Path,
    pg_cluster: pg_server.Cluster,
    kb: KnowledgeBase,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("desktop_app.app.App.knowledge_base", lambda self: kb)
    path = tmp_path / "clinic.sqlite3"
    with Repository.open(path, kb, actor="Dr File", create=True) as repo:
        for n, name in enumerate(NAMES):
            patient = repo.create_patient(name, dt.date(1980, 5, 1 + n), "other", f"C-{n}")
            visit = filled_visit(repo, patient.id, sign=False)
            repo.save_measure_labels(visit.id, "psfs", {"activity_1": "Sitting to drive"})
            if n % 2 == 0:
                repo.sign_visit(visit.id, by=signer(repo))
        repo.amend_visit(1, "Later note", "Omitted", by=signer(repo))
        on_file = _search(repo)
    database = new_database(pg_cluster, migrated=False)
    admin = pg_cluster.url(database, ADMIN)
    code, out = command(capsys, "--db", admin, "migrate")
    assert code == 0 and "applied 0001_initial" in out
    code, out = command(capsys, "--db", str(path), "migrate-to-server", admin)
    assert code == 0, out
    assert "patients: 5 rows" in out and "every table matches and verify is clean" in out
    with Repository.open_server(pg_cluster.url(database, CLINICIAN), kb) as server:
        assert _search(server) == on_file  # the same names, in the same order
        assert server.verify() == []
    code, out = command(capsys, "--db", str(path), "migrate-to-server", admin)
    assert code == 2 and "already holds data" in out  # never twice into one database


def test_a_server_backup_restores_into_a_verified_scratch_database(
    tmp_path: Path,
    pg_cluster: pg_server.Cluster,
    kb: KnowledgeBase,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("desktop_app.app.App.knowledge_base", lambda self: kb)
    database = new_database(pg_cluster)
    with Repository.open_server(pg_cluster.url(database, CLINICIAN), kb) as repo:
        filled_visit(repo, repo.create_patient("Zoë", dt.date(1980, 1, 1), "female").id)
    admin = pg_cluster.url(database, ADMIN)
    dump = tmp_path / "clinic.dump"
    code, out = command(capsys, "--db", admin, "backup", "--out", str(dump))
    assert (
        code == 0 and dump.stat().st_size > 0 and not dump.with_name("clinic.dump.partial").exists()
    )
    code, out = command(capsys, "--db", admin, "restore", str(dump))
    assert code == 0, out
    assert "1 patients" in out and "verify clean" in out and "was not changed" in out
    scratch = out.split("the new database ")[1].split(" ")[0]
    with Repository.open_server(pg_cluster.url(scratch, CLINICIAN), kb) as copy:
        assert [p.name for p in copy.search_patients("zoe")] == ["Zoë"]
        assert copy.audit_trail()[-1].action == "sign"  # as it was when the dump was taken
    with Repository.open_server(pg_cluster.url(database, CLINICIAN), kb) as live:
        assert [e.action for e in live.audit_trail()][-1] == "backup"


def test_every_command_in_the_clinic_server_guide_parses() -> None:
    import re
    import shlex

    from desktop_app import paths

    guide = (paths.PROJECT_ROOT / "docs" / "clinic-server.md").read_text(encoding="utf-8")
    lines = re.findall(r"^python main\.py (.+?)(?:\s+#.*)?$", guide, flags=re.MULTILINE)
    commands = set()
    for line in lines:
        argv = shlex.split(line)
        build_parser().parse_args(argv)  # exits (SystemExit) on an unknown command or option
        commands.update(a for a in argv if a in {"migrate", "clinician-role", "backup"})
    assert commands == {"migrate", "clinician-role", "backup"}
