"""Account commands run as a user runs them, on both engines: the idle lock's minutes."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.commands import DENIED
from desktop_app.core.accounts import AccessDenied
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage import keys
from tests import pg_server
from tests.storage.account_commands import Cli, cli, opened, target
from tests.storage.conftest import ADMIN
from tests.storage.helpers import signer

__all__ = ["cli", "target"]  # fixtures


def test_an_admin_sets_the_idle_minutes_from_the_command_line(
    cli: Cli, target: str, kb: KnowledgeBase
) -> None:
    with opened(target, kb) as repo:
        alex = signer(repo, "Alex Morgan")
        sam = signer(repo, "Sam Lee")
        repo.set_pin(alex, "4711", by=alex)  # the first admin
        repo.set_pin(sam, "2222", by=alex, by_pin="4711")
    assert cli("accounts", "lock-minutes") == (0, "The window locks after 5 idle minutes.\n")
    code, said = cli("accounts", "lock-minutes", "12")
    assert code == DENIED and "needs an admin: add --clinician NAME" in said
    code, said = cli("--clinician", "Sam Lee", "accounts", "lock-minutes", "12", pin="2222")
    assert code == DENIED and "Sam Lee is not an admin" in said
    code, said = cli("accounts", "lock-minutes", "12", "--clinician", "alex morgan", pin="0000")
    assert code == DENIED and "not Alex Morgan's PIN" in said
    for bad, why in (("0", "between 1 and 240"), ("241", "between 1 and 240"), ("ten", "whole")):
        code, said = cli("--clinician", "Alex Morgan", "accounts", "lock-minutes", bad, pin="4711")
        assert code == 2 and why in said, said
    code, said = cli("--clinician", "Nobody", "accounts", "lock-minutes", "12", pin="4711")
    assert code == 2 and "no clinician called Nobody (clinicians: Alex Morgan, Sam Lee)" in said
    with opened(target, kb) as repo:
        assert repo.lock_minutes() == 5  # nothing above changed it
    code, said = cli("--clinician", "Alex Morgan", "accounts", "lock-minutes", "12", pin="4711")
    assert code == 0 and "now locks after 12 idle minutes (set by Alex Morgan)" in said
    with opened(target, kb) as repo:
        assert repo.lock_minutes() == 12
        entry = repo.audit_trail()[-1]
        assert (entry.action, entry.detail, entry.actor) == (
            "update",
            "lock 12 min",
            f"Alex Morgan (clinician {alex})",
        )
        assert repo.verify() == []


def test_without_a_terminal_or_pin_variable_the_command_says_how_to_give_the_pin(
    cli: Cli, target: str, kb: KnowledgeBase
) -> None:
    with opened(target, kb) as repo:
        alex = signer(repo, "Alex Morgan")
        repo.set_pin(alex, "4711", by=alex)
    code, said = cli("--clinician", "Alex Morgan", "accounts", "lock-minutes", "7")
    assert code == DENIED and "run it at a terminal" in said and "GLUTEAL_ASSESS_PIN" in said


def test_accounts_list_shows_pins_and_admins(cli: Cli, target: str, kb: KnowledgeBase) -> None:
    with opened(target, kb) as repo:
        alex = signer(repo, "Alex Morgan")
        signer(repo, "Sam Lee")
        repo.set_pin(alex, "4711", by=alex)
    code, said = cli("accounts", "list")
    assert code == 0
    assert "Alex Morgan  (PIN, admin)" in said and "Sam Lee  (no PIN)" in said
    assert "4711" not in said and "scrypt" not in said


def test_every_command_in_the_accounts_doc_parses() -> None:
    import shlex

    from desktop_app import paths
    from desktop_app.cli import build_parser

    doc = (paths.PROJECT_ROOT / "docs" / "accounts.md").read_text(encoding="utf-8")
    lines = [line.split("#")[0] for line in doc.splitlines() if "python main.py" in line]
    assert len(lines) >= 3
    for line in lines:
        argv = shlex.split(line.split("python main.py", 1)[1])
        assert build_parser().parse_args(argv).func is not None, line


def test_wrong_pins_at_the_command_line_lock_out_and_an_admin_lifts_it(
    cli: Cli, target: str, kb: KnowledgeBase
) -> None:
    with opened(target, kb) as repo:
        alex = signer(repo, "Alex Morgan")
        sam = signer(repo, "Sam Lee")
        repo.set_pin(alex, "4711", by=alex)
        repo.set_pin(sam, "2222", by=alex, by_pin="4711")
        repo.set_admin(sam, True, by=alex, by_pin="4711")
    for _ in range(5):
        code, said = cli("--clinician", "Sam Lee", "accounts", "lock-minutes", "9", pin="9999")
        assert code == DENIED and "not Sam Lee's PIN" in said
    assert "locked out after 5 wrong PINs in a row: try again in 1 minute" in said
    code, said = cli("--clinician", "Sam Lee", "accounts", "lock-minutes", "9", pin="2222")
    assert code == DENIED and "Sam Lee is locked out" in said
    code, said = cli("accounts", "list")
    assert "Sam Lee  (PIN, admin, locked out until " in said
    code, said = cli(
        "--clinician", "Alex Morgan", "accounts", "lift-lockout", "sam lee", pin="4711"
    )
    assert (code, said) == (
        0,
        "Sam Lee can use their PIN again (lock-out lifted by Alex Morgan).\n",
    )
    code, said = cli("--clinician", "Sam Lee", "accounts", "lock-minutes", "9", pin="2222")
    assert code == 0
    with opened(target, kb) as repo:
        actions = [e.action for e in repo.audit_trail()]
        assert actions.count("admin PIN refused") == 6 and actions.count("lock out") == 1
        assert "lift lock-out" in actions and repo.lock_minutes() == 9


def _sole_admin_gone(target: str, kb: KnowledgeBase) -> tuple[int, int]:
    """Alex, the sole admin, marked inactive by a raw edit (as an old version allowed); Sam
    locked out. Nobody can open Settings now."""
    with opened(target, kb) as repo:
        alex = signer(repo, "Alex Morgan")
        sam = signer(repo, "Sam Lee")
        repo.set_pin(alex, "4711", by=alex)
        repo.set_pin(sam, "2222", by=alex, by_pin="4711")
        for _ in range(5):
            with pytest.raises(AccessDenied):
                repo.unlock(alex, "0000")
        with repo.db.atomic():
            repo.db.execute("UPDATE clinicians SET active = 0 WHERE id = ?", [alex])
    return alex, sam


@pytest.mark.sqlite_only  # a server's proof is its owner role: the next test
def test_recover_admin_needs_this_databases_audit_key_and_is_audited(
    cli: Cli, target: str, kb: KnowledgeBase, tmp_path: Path
) -> None:
    alex, _ = _sole_admin_gone(target, kb)
    stranger = tmp_path / "other.key"
    stranger.write_text("ab" * 32 + "\n", encoding="ascii")
    code, said = cli(
        "accounts", "recover-admin", "Alex Morgan", "--key-file", str(stranger), new_pin="9876"
    )
    assert code == DENIED and "did not write this database's newest audit entry" in said
    code, said = cli(
        "accounts",
        "recover-admin",
        "Alex Morgan",
        "--key-file",
        str(tmp_path / "x"),
        new_pin="9876",
    )
    assert code == 2 and "cannot be read" in said
    with opened(target, kb) as repo:
        assert not repo.clinician(alex).active  # nothing changed
    kept = tmp_path / "kept.key"  # the copy kept apart from the backups
    kept.write_bytes(keys.key_path().read_bytes())
    code, said = cli(
        "accounts", "recover-admin", "alex morgan", "--key-file", str(kept), new_pin="9876"
    )
    assert code == 0 and "Alex Morgan is an active admin again" in said
    code, said = cli(
        "accounts", "recover-admin", "Sam Lee", new_pin="5555"
    )  # the installation's key
    assert code == 0
    with opened(target, kb) as repo:
        assert repo.clinician(alex).active and repo.is_admin(alex)
        assert repo.locked_out_until(alex) is None and repo.check_admin(alex, "9876").id == alex
        recoveries = [e for e in repo.audit_trail() if e.action == "recover admin"]
        key_id = keys.key_id(bytes.fromhex(kept.read_text()))
        assert [(e.entity_id, e.detail) for e in recoveries] == [
            (str(alex), f"active admin with a new PIN; proved by audit key {key_id}"),
            (recoveries[1].entity_id, f"active admin with a new PIN; proved by audit key {key_id}"),
        ]
        assert repo.verify() == []


def test_on_a_server_only_the_owner_role_recovers_an_admin(
    pg_url: str,
    pg_cluster: pg_server.Cluster,
    kb: KnowledgeBase,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("desktop_app.app.App.knowledge_base", lambda self: kb)
    target = pg_url
    cli = Cli(target, capsys, monkeypatch)
    alex, _ = _sole_admin_gone(target, kb)
    code, said = cli(
        "accounts", "recover-admin", "Alex Morgan", new_pin="9876"
    )  # a clinician's login
    assert code == DENIED and "database owner's login" in said
    cli.target = pg_cluster.url(target.rsplit("/", 1)[1], ADMIN)  # the owner's login
    code, said = cli("accounts", "recover-admin", "Alex Morgan", new_pin="9876")
    assert code == 0, said
    with opened(target, kb) as repo:
        assert repo.clinician(alex).active and repo.check_admin(alex, "9876").id == alex
        entry = repo.audit_trail()[-1]
        assert (entry.action, entry.actor) == ("recover admin", ADMIN)
        assert entry.detail.endswith("proved by the server database's owner role")


def test_recovery_with_no_accounts_says_there_is_nothing_to_recover(
    cli: Cli, target: str, kb: KnowledgeBase
) -> None:
    with opened(target, kb) as repo:
        signer(repo, "Alex Morgan")
    code, said = cli("accounts", "recover-admin", "Alex Morgan", new_pin="9876")
    assert code == 2 and "nothing to recover" in said


def test_pins_and_the_admin_role_are_managed_from_the_command_line(
    cli: Cli, target: str, kb: KnowledgeBase
) -> None:
    with opened(target, kb) as repo:
        alex = signer(repo, "Alex Morgan")
        sam = signer(repo, "Sam Lee")
    code, said = cli("accounts", "set-pin", "Alex Morgan")
    assert code == DENIED and "GLUTEAL_ASSESS_NEW_PIN" in said  # no terminal to type it at
    code, said = cli("accounts", "set-pin", "Alex Morgan", new_pin="4711")
    assert (code, said) == (
        0,
        "Alex Morgan has a new PIN (set by Alex Morgan). They are the first admin.\n",
    )
    code, said = cli("accounts", "set-pin", "Sam Lee", new_pin="2222")
    assert code == DENIED and "`accounts set-pin` needs a clinician" in said
    code, said = cli(
        "--clinician", "Alex Morgan", "accounts", "set-pin", "Sam Lee", pin="4711", new_pin="2222"
    )
    assert code == 0 and "Sam Lee has a new PIN (set by Alex Morgan)." in said
    code, said = cli(
        "--clinician", "Sam Lee", "accounts", "set-pin", "Alex Morgan", pin="2222", new_pin="0000"
    )
    assert code == DENIED and "Only an admin can change another clinician's PIN" in said
    code, said = cli(
        "--clinician", "Sam Lee", "accounts", "set-pin", "Sam Lee", pin="2222", new_pin="123"
    )
    assert code == 2 and "at least 4 characters" in said
    code, said = cli(
        "--clinician", "Sam Lee", "accounts", "set-pin", "Sam Lee", pin="2222", new_pin="3333"
    )
    assert code == 0  # their own, with their current PIN
    code, said = cli("--clinician", "Sam Lee", "accounts", "set-admin", "Sam Lee", "on", pin="3333")
    assert code == DENIED and "Sam Lee is not an admin" in said
    code, said = cli(
        "--clinician", "Alex Morgan", "accounts", "set-admin", "Alex Morgan", "off", pin="4711"
    )
    assert code == DENIED and "last admin" in said
    code, said = cli(
        "--clinician", "Alex Morgan", "accounts", "set-admin", "Sam Lee", "on", pin="4711"
    )
    assert (code, said) == (0, "Sam Lee is an admin (set by Alex Morgan).\n")
    with opened(target, kb) as repo:
        assert repo.is_admin(sam) and repo.check_admin(sam, "3333").id == sam
        assert repo.unlock(alex, "4711").id == alex
        trail = [(e.action, e.detail) for e in repo.audit_trail() if e.action.startswith("set")]
        assert trail == [
            ("set pin", "PIN set; first admin"),
            ("set pin", "PIN set"),
            ("set pin", "PIN set"),
            ("set role", "admin"),
        ]
        said = " ".join(e.detail + e.actor for e in repo.audit_trail())  # hashes are hex
        assert all(pin not in said for pin in ("4711", "2222", "3333"))
