"""Account commands run as a user runs them, on both engines: the idle lock's minutes."""

from __future__ import annotations

from desktop_app.core.knowledge import KnowledgeBase
from tests.storage.account_commands import Cli, cli, opened, target
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
    assert code == 2 and "needs an admin: add --clinician NAME" in said
    code, said = cli("--clinician", "Sam Lee", "accounts", "lock-minutes", "12", pin="2222")
    assert code == 2 and "Sam Lee is not an admin" in said
    code, said = cli("accounts", "lock-minutes", "12", "--clinician", "alex morgan", pin="0000")
    assert code == 2 and "not Alex Morgan's PIN" in said
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
    assert code == 2 and "run it at a terminal" in said and "GLUTEAL_ASSESS_PIN" in said


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
        assert code == 2 and "not Sam Lee's PIN" in said
    assert "locked out after 5 wrong PINs in a row: try again in 1 minute" in said
    code, said = cli("--clinician", "Sam Lee", "accounts", "lock-minutes", "9", pin="2222")
    assert code == 2 and "Sam Lee is locked out" in said
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
