"""Commands authenticated, run as a user runs them on both engines: without accounts as before;
with accounts, records only for a clinician with their PIN, admin commands only for an admin,
every wrong PIN a plain message, exit code 3 and an audit entry."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from desktop_app.app import COMMAND_ACTOR
from desktop_app.cli import build_parser
from desktop_app.commands import DENIED
from desktop_app.commands.access import ADMIN, CLINICIAN, NO_PIN, ROLES, command_name, role_of
from desktop_app.core.knowledge import KnowledgeBase
from tests import pg_server
from tests.storage.account_commands import Cli, cli, opened, target
from tests.storage.conftest import ADMIN as ADMIN_ROLE
from tests.storage.helpers import signer

__all__ = ["cli", "target"]  # fixtures


def _accounts(target: str, kb: KnowledgeBase) -> tuple[int, int]:
    """Alex (admin, 4711) and Sam (2222)."""
    with opened(target, kb) as repo:
        alex = signer(repo, "Alex Morgan")
        sam = signer(repo, "Sam Lee")
        repo.set_pin(alex, "4711", by=alex)
        repo.set_pin(sam, "2222", by=alex, by_pin="4711")
    return alex, sam


def _patients_by(target: str, kb: KnowledgeBase) -> list[str]:
    with opened(target, kb) as repo:
        return [
            e.actor for e in repo.audit_trail() if (e.action, e.entity) == ("create", "patient")
        ]


def test_without_accounts_commands_act_as_before(
    cli: Cli, target: str, kb: KnowledgeBase, engine: str
) -> None:
    code, said = cli("demo-data", "--patients", "1")
    assert code == 0 and "now holds 1 patients" in said
    with opened(target, kb) as repo:
        expected = COMMAND_ACTOR if engine == "sqlite" else repo.actor  # the server's login
    assert _patients_by(target, kb) == [expected]


def test_record_commands_need_a_clinician_and_their_pin(
    cli: Cli, target: str, kb: KnowledgeBase
) -> None:
    _, sam = _accounts(target, kb)
    code, said = cli("demo-data", "--patients", "1")
    assert code == DENIED
    assert said == (
        "error: `demo-data` needs a clinician of this database: add --clinician NAME (the PIN "
        "is asked for at the terminal, or taken from GLUTEAL_ASSESS_PIN).\n"
    )
    code, said = cli("--clinician", "Sam Lee", "demo-data", "--patients", "1", pin="9999")
    assert (code, said) == (DENIED, "error: That is not Sam Lee's PIN. Nothing was done.\n")
    code, said = cli("--clinician", "Sam Lee", "demo-data", "--patients", "1")
    assert code == DENIED and "run it at a terminal" in said  # no terminal, no PIN variable
    assert _patients_by(target, kb) == []  # nothing was done
    code, said = cli("demo-data", "--patients", "1", "--clinician", "sam lee", pin="2222")
    assert code == 0, said
    assert _patients_by(target, kb) == [f"Sam Lee (clinician {sam})"]  # acted as Sam
    with opened(target, kb) as repo:
        refused = [(e.action, e.actor) for e in repo.audit_trail() if e.action.endswith("refused")]
        assert refused == [("command PIN refused", f"Sam Lee (clinician {sam})")]
        assert repo.verify() == []


def test_admin_commands_need_an_admin(
    cli: Cli, target: str, kb: KnowledgeBase, tmp_path: Path
) -> None:
    _accounts(target, kb)
    code, said = cli("--clinician", "Sam Lee", "restore", str(tmp_path / "x.sqlite3"), pin="2222")
    assert code == DENIED and "Sam Lee is not an admin" in said
    code, said = cli(
        "--clinician", "Sam Lee", "accounts", "lift-lockout", "Alex Morgan", pin="2222"
    )
    assert code == DENIED and "Sam Lee is not an admin" in said
    code, said = cli(
        "--clinician", "Alex Morgan", "accounts", "lift-lockout", "Sam Lee", pin="4711"
    )
    assert (code, said) == (0, "Sam Lee was not locked out: nothing to lift.\n")


@pytest.mark.sqlite_only
def test_an_admin_restores_and_the_file_is_replaced(
    cli: Cli, target: str, kb: KnowledgeBase, tmp_path: Path
) -> None:
    _, sam = _accounts(target, kb)
    backup = tmp_path / "before.sqlite3"
    code, said = cli("--clinician", "Sam Lee", "backup", "--out", str(backup), pin="2222")
    assert code == 0, said
    with opened(target, kb) as repo:
        assert repo.audit_trail()[-1].actor == f"Sam Lee (clinician {sam})"  # who backed up
    cli("--clinician", "Sam Lee", "demo-data", "--patients", "2", pin="2222")
    code, said = cli("--clinician", "Sam Lee", "restore", str(backup), pin="2222")
    assert code == DENIED and "Sam Lee is not an admin" in said
    code, said = cli("--clinician", "Alex Morgan", "restore", str(backup), pin="4711")
    assert code == 0 and "Restored" in said
    with opened(target, kb) as repo:
        assert repo.patient_count() == 0  # the backup's content


@pytest.mark.sqlite_only
def test_a_copy_that_cannot_count_wrong_pins_refuses_to_check_one(
    cli: Cli, target: str, kb: KnowledgeBase, tmp_path: Path
) -> None:
    _accounts(target, kb)
    with opened(target, kb):  # the window has the file open for writing
        code, said = cli(
            "--clinician", "Sam Lee", "backup", "--out", str(tmp_path / "b.sqlite3"), pin="2222"
        )
    assert code == DENIED and "cannot record PIN attempts" in said and "Another copy" in said
    assert not (tmp_path / "b.sqlite3").exists()


def test_a_missing_database_is_reported_as_before(cli: Cli, tmp_path: Path) -> None:
    cli.target = str(tmp_path / "typo.sqlite3")
    code, said = cli("--clinician", "Sam Lee", "backup", "--out", str(tmp_path / "b"), pin="1")
    assert code == 2 and "There is no database at" in said


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                full = f"{prefix} {name}".strip()
                found.append(full)
                if not prefix and name == "accounts":
                    found += _commands(sub, name)
    return found


def test_every_command_has_its_role_in_the_one_table() -> None:
    """A new command must be placed in commands/access.py ROLES (records: a clinician)."""
    names = _commands(build_parser())
    assert {"backup", "restore", "accounts lock-minutes", "accounts recover-admin"} <= set(names)
    assert sorted(set(names) - set(ROLES)) == []
    parser = build_parser()
    for argv, role in (
        (["restore", "x"], ADMIN),
        (["rekey"], ADMIN),
        (["encrypt-copy", "--out", "x"], ADMIN),
        (["decrypt-export", "--out", "x"], ADMIN),
        (["clinician-role"], ADMIN),
        (["accounts", "lock-minutes", "5"], ADMIN),
        (["accounts", "lock-minutes"], NO_PIN),
        (["accounts", "recover-admin", "A"], NO_PIN),
        (["export-pdf", "--visit", "1", "--out", "x"], CLINICIAN),
        (["backup", "--out", "x"], CLINICIAN),
        (["verify"], NO_PIN),
        (["kb", "check"], NO_PIN),
    ):
        args = parser.parse_args(argv)
        assert role_of(args) == role, (command_name(args), role)


def test_a_servers_owner_login_is_an_admin_by_itself(
    pg_url: str,
    pg_cluster: pg_server.Cluster,
    kb: KnowledgeBase,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The nightly `backup` and the admin's `clinician-role` of docs/clinic-server.md run with
    the owner's login and no PIN; a clinician's login needs --clinician and a PIN."""
    monkeypatch.setattr("desktop_app.app.App.knowledge_base", lambda self: kb)
    _accounts(pg_url, kb)
    cli = Cli(pg_url, capsys, monkeypatch)
    code, said = cli("clinician-role")
    assert code == DENIED and "`clinician-role` needs an admin" in said
    cli.target = pg_cluster.url(pg_url.rsplit("/", 1)[1], ADMIN_ROLE)
    code, said = cli("clinician-role")
    assert code == 0, said
    code, said = cli("demo-data", "--patients", "1")
    assert code == 0, said
    assert _patients_by(pg_url, kb) == [ADMIN_ROLE]
