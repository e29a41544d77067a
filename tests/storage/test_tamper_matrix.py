"""The tamper matrix: raw-SQL and file-level attacks on a closed database, each named by verify.

The attacker can write the database file (and its folder) but cannot read the user's audit key.
Each attack is done with plain sqlite3 or file operations, the guard triggers dropped first, as
a tamperer would; then the app opens the file as `verify` does and must report a problem that
says what happened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage import anchor, audit
from desktop_app.storage.repository import Repository
from tests.storage.helpers import filled_visit, signer


@dataclass
class Scene:
    db_path: Path
    kb: KnowledgeBase
    signed: int  # a signed visit (with an amendment)
    draft: int  # a draft visit of the same patient
    patient: int  # the patient of both
    lone: int  # a patient with no visits
    episode: int  # an episode with no visits
    backup: Path  # a backup taken before the last changes
    opened: list[sqlite3.Connection] = field(default_factory=list)

    def sql(self) -> sqlite3.Connection:
        """The attacker's connection (closed before verify runs)."""
        conn = sqlite3.connect(self.db_path, isolation_level=None)
        self.opened.append(conn)
        names = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE(ABORT%'"
        ).fetchall()
        for (name,) in names:
            conn.execute(f"DROP TRIGGER {name}")
        return conn


@pytest.fixture
def scene(db_path: Path, kb: KnowledgeBase, tmp_path: Path) -> Iterator[Scene]:
    with Repository.open(db_path, kb, actor="Dr Test") as repo:
        patient = repo.create_patient("Zoë Łukasiewicz", dt.date(1980, 5, 17), "female", "C-1")
        signed = filled_visit(repo, patient.id)
        repo.amend_visit(
            signed.id, "The right side was also tender.", "Omitted at the visit", by=signer(repo)
        )
        draft = filled_visit(repo, patient.id, sign=False)
        lone = repo.create_patient("Lone Patient", dt.date(1990, 1, 2), "male", "C-2")
        episode = repo.create_episode(lone.id, "Hip pain")
        backup = repo.backup_to(tmp_path / "backup.sqlite3")
        repo.save_plan(draft.id, "Review in a week.")
        repo.create_patient("Newest Patient", dt.date(1970, 3, 4), "other")
        assert repo.verify() == []
    scene = Scene(db_path, kb, signed.id, draft.id, patient.id, lone.id, episode.id, backup)
    yield scene
    for conn in scene.opened:
        conn.close()


def problems_of(scene: Scene) -> list[str]:
    for conn in scene.opened:
        conn.close()
    with Repository.open(scene.db_path, scene.kb) as repo:
        return repo.verify()


def rehash(
    conn: sqlite3.Connection,
    hasher: Callable[[str, dict[str, object]], str],
    start: int = 1,
    end: int = 1 << 62,
) -> None:
    """Recompute the prev_hash and hash of entries start..end, as a consistent rewrite."""
    conn.execute("BEGIN")
    row = conn.execute("SELECT hash FROM audit_log WHERE id = ?", [start - 1]).fetchone()
    prev = row[0] if row else audit.GENESIS
    columns = ", ".join(audit.ENTRY_KEYS)
    for values in conn.execute(
        f"SELECT {columns} FROM audit_log WHERE id BETWEEN ? AND ? ORDER BY id", [start, end]
    ).fetchall():
        entry = dict(zip(audit.ENTRY_KEYS, values, strict=True))
        digest = hasher(prev, entry)
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", [prev, digest, entry["id"]]
        )
        prev = digest
    conn.execute("COMMIT")


def plain(prev: str, entry: dict[str, object]) -> str:
    return audit.entry_hash(prev, entry)


def own_key(prev: str, entry: dict[str, object]) -> str:
    return audit.entry_hash(prev, entry, b"an attacker's own key".ljust(32, b"!"))


def refingerprint(conn: sqlite3.Connection, visit_id: int) -> None:
    """Recompute a visit's fingerprint and its sign entry's detail after changing it."""
    db_visit, children = _content(conn, visit_id)
    fingerprint = audit.visit_fingerprint(db_visit, children)
    conn.execute("UPDATE visits SET fingerprint = ? WHERE id = ?", [fingerprint, visit_id])
    conn.execute(
        "UPDATE audit_log SET detail = ? WHERE action = 'sign' AND entity_id = ?",
        [audit.FINGERPRINT_PREFIX + fingerprint, str(visit_id)],
    )


def _content(conn: sqlite3.Connection, visit_id: int) -> tuple[dict[str, object], dict]:  # type: ignore[type-arg]
    from sqlite_utils import Database

    return audit.visit_content(Database(conn), visit_id)


# -- the attacks -------------------------------------------------------------------------------
# Each returns a fragment the problems must contain.


def rewrite_signed_visit_plain_chain(s: Scene) -> str:
    conn = s.sql()
    conn.execute("UPDATE visits SET plan = 'No referral needed.' WHERE id = ?", [s.signed])
    refingerprint(conn, s.signed)
    sign_entry = conn.execute(
        "SELECT id FROM audit_log WHERE action = 'sign' AND entity_id = ?", [str(s.signed)]
    ).fetchone()[0]
    rehash(conn, plain, start=sign_entry)
    return "unkeyed hash after keyed entries"


def rewrite_signed_visit_own_key(s: Scene) -> str:
    conn = s.sql()
    conn.execute("UPDATE visits SET plan = 'No referral needed.' WHERE id = ?", [s.signed])
    refingerprint(conn, s.signed)
    rehash(conn, own_key)
    return "this computer does not have"


def downgrade_whole_chain(s: Scene) -> str:
    rehash(s.sql(), plain)
    return "not the one recorded outside the database"


def truncate_tail(s: Scene) -> str:
    conn = s.sql()
    conn.execute("DELETE FROM audit_log WHERE id > (SELECT max(id) - 3 FROM audit_log)")
    return "the newest entries were removed"


def truncate_tail_and_its_records(s: Scene) -> str:
    conn = s.sql()
    newest = conn.execute("SELECT max(id) FROM patients").fetchone()[0]
    conn.execute("DELETE FROM patients WHERE id = ?", [newest])
    conn.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    return "the newest entries were removed"


def empty_audit_log(s: Scene) -> str:
    s.sql().execute("DELETE FROM audit_log")
    return "the newest entries were removed"


def lost_wal_commits(s: Scene) -> str:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a writer killed with its commits only in the -wal file
        try:
            repo = Repository.open(s.db_path, s.kb, actor="Dr Test")
            repo.create_patient("Only In The Log", dt.date(1990, 1, 1), "male")
            os.write(write, b"saved\n")
            signal.pause()
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        assert pipe.readline().strip() == b"saved"
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    Path(f"{s.db_path}-wal").unlink()
    Path(f"{s.db_path}-shm").unlink(missing_ok=True)
    return "committed changes were lost"


def older_copy_put_back_by_hand(s: Scene) -> str:
    shutil.copy(s.backup, s.db_path)
    return "the newest entries were removed"


def _patient_update(column: str, value: object) -> Callable[[Scene], str]:
    def attack(s: Scene) -> str:
        s.sql().execute(f"UPDATE patients SET {column} = ? WHERE id = ?", [value, s.patient])
        return f"Patient {s.patient}: name, date of birth or other details were changed"

    attack.__name__ = f"patient_{column}_changed"
    return attack


def swap_two_names(s: Scene) -> str:
    conn = s.sql()
    conn.execute(
        "UPDATE patients SET name = CASE id WHEN ? THEN 'Lone Patient' ELSE 'Zoë Łukasiewicz' "
        "END WHERE id IN (?, ?)",
        [s.patient, s.patient, s.lone],
    )
    return "details were changed outside the app"


def delete_lone_patient(s: Scene) -> str:
    conn = s.sql()
    conn.execute("DELETE FROM episodes WHERE patient_id = ?", [s.lone])
    conn.execute("DELETE FROM patients WHERE id = ?", [s.lone])
    return f"Patient {s.lone}: created in audit entry"


def delete_draft_visit(s: Scene) -> str:
    conn = s.sql()
    for table in ("answers", "exam_findings", "body_marks", "measure_results", "red_flag_acks"):
        conn.execute(f"DELETE FROM {table} WHERE visit_id = ?", [s.draft])
    conn.execute("DELETE FROM visits WHERE id = ?", [s.draft])
    return f"Visit {s.draft}: created in audit entry"


def delete_episode(s: Scene) -> str:
    s.sql().execute("DELETE FROM episodes WHERE id = ?", [s.episode])
    return f"Episode {s.episode}: created in audit entry"


def insert_patient(s: Scene) -> str:
    s.sql().execute(
        "INSERT INTO patients (id, name, date_of_birth, sex, created_at, updated_at) "
        "VALUES (900, 'Invented', '1950-01-01', 'male', 'x', 'x')"
    )
    return "Patient 900: not recorded in the audit log"


def forge_signed_visit_with_plain_entry(s: Scene) -> str:
    conn = s.sql()
    visit_id = _forge_visit(conn, s)
    last_id, last_hash = conn.execute(
        "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    fingerprint = conn.execute("SELECT fingerprint FROM visits WHERE id = ?", [visit_id]).fetchone()
    for offset, (action, detail) in enumerate(
        [("create", f"patient {s.patient}"), ("sign", audit.FINGERPRINT_PREFIX + fingerprint[0])]
    ):
        entry = {
            "id": last_id + 1 + offset,
            "at": "2026-01-12T10:00:00+00:00",
            "actor": "Dr Test",
            "action": action,
            "entity": "visit",
            "entity_id": str(visit_id),
            "detail": detail,
        }
        last_hash_new = audit.entry_hash(last_hash, entry)
        conn.execute(
            "INSERT INTO audit_log VALUES (:id, :at, :actor, :action, :entity, :entity_id, "
            ":detail, :prev, :hash)",
            {**entry, "prev": last_hash, "hash": last_hash_new},
        )
        last_hash = last_hash_new
    return "unkeyed hash after keyed entries"


def forge_signed_visit_silently(s: Scene) -> str:
    visit_id = _forge_visit(s.sql(), s)
    return f"Visit {visit_id}: signed, but the audit log has no record of it"


def _forge_visit(conn: sqlite3.Connection, s: Scene) -> int:
    """A copy of the signed visit, dated another day, with a correct fingerprint."""
    row = conn.execute(
        "SELECT patient_id, episode_id, visit_type, presentations, kb_version, plan, "
        "leading_condition, signed_at, signed_by, differential FROM visits WHERE id = ?",
        [s.signed],
    ).fetchone()
    cursor = conn.execute(
        "INSERT INTO visits (patient_id, episode_id, visit_date, visit_type, presentations, "
        "status, kb_version, plan, leading_condition, signed_at, signed_by, differential, "
        "created_at, updated_at) VALUES (?, ?, '2026-02-01', ?, ?, 'signed', ?, ?, ?, ?, ?, ?, "
        "'x', 'x')",
        row,
    )
    visit_id = int(cursor.lastrowid or 0)
    db_visit, children = _content(conn, visit_id)
    conn.execute(
        "UPDATE visits SET fingerprint = ? WHERE id = ?",
        [audit.visit_fingerprint(db_visit, children), visit_id],
    )
    return visit_id


def change_audit_actor(s: Scene) -> str:
    s.sql().execute("UPDATE audit_log SET actor = 'Someone else' WHERE id = 4")
    return "entry 4 was changed after it was written"


def remove_middle_entry(s: Scene) -> str:
    s.sql().execute("DELETE FROM audit_log WHERE id = 5")
    return "entry 5 is missing"


def append_entry_with_made_up_mac(s: Scene) -> str:
    conn = s.sql()
    last_id, last_hash = conn.execute(
        "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    made_up = last_hash.rsplit(":", 1)[0] + ":" + hashlib.sha256(b"guess").hexdigest()
    conn.execute(
        "INSERT INTO audit_log VALUES (?, 'x', 'Dr Test', 'update', 'visit', ?, 'plan', ?, ?)",
        [last_id + 1, str(s.draft), last_hash, made_up],
    )
    return f"entry {last_id + 1} was changed after it was written"


def change_sign_entry_to_match(s: Scene) -> str:
    conn = s.sql()
    conn.execute("UPDATE visits SET plan = 'Nothing to see.' WHERE id = ?", [s.signed])
    refingerprint(conn, s.signed)
    return "was changed after it was written"


def unsign_visit(s: Scene) -> str:
    s.sql().execute("UPDATE visits SET status = 'draft', fingerprint = '' WHERE id = ?", [s.signed])
    return "not signed (or is missing) now"


def move_signed_visit_to_another_patient(s: Scene) -> str:
    s.sql().execute("UPDATE visits SET patient_id = ? WHERE id = ?", [s.lone, s.signed])
    return "no longer matches the fingerprint"


def change_signed_answer(s: Scene) -> str:
    s.sql().execute(
        "UPDATE answers SET value = '\"no\"' WHERE visit_id = ? AND prompt_id = 'fever'", [s.signed]
    )
    return "no longer matches the fingerprint"


def delete_red_flag_decision(s: Scene) -> str:
    s.sql().execute("DELETE FROM red_flag_acks WHERE visit_id = ?", [s.signed])
    return "no longer matches the fingerprint"


def change_differential_snapshot(s: Scene) -> str:
    s.sql().execute("UPDATE differentials SET snapshot = replace(snapshot, '0.', '0.9')")
    return "the differential stored at signing is missing or was changed"


def change_amendment(s: Scene) -> str:
    s.sql().execute("UPDATE amendments SET text = 'Nothing else was found.'")
    return "changed after it was recorded"


def delete_amendment(s: Scene) -> str:
    s.sql().execute("DELETE FROM amendments")
    return "recorded in audit entry"


def insert_amendment(s: Scene) -> str:
    s.sql().execute(
        "INSERT INTO amendments (visit_id, text, reason, author, created_at) "
        "VALUES (?, 'Backdated note', 'none', 'Dr Test', '2026-01-12T10:00:00+00:00')",
        [s.signed],
    )
    return "not recorded in the audit log"


def edit_anchor_to_match_truncation(s: Scene) -> str:
    conn = s.sql()
    conn.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    seq, digest = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    path = anchor.anchor_file(s.db_path)
    data = json.loads(path.read_text())
    data.update(seq=seq, hash=digest)
    path.write_text(json.dumps(data))
    return "it was changed outside the app"


ATTACKS: list[Callable[[Scene], str]] = [
    rewrite_signed_visit_plain_chain,
    rewrite_signed_visit_own_key,
    downgrade_whole_chain,
    truncate_tail,
    truncate_tail_and_its_records,
    empty_audit_log,
    lost_wal_commits,
    older_copy_put_back_by_hand,
    _patient_update("name", "Someone Else"),
    _patient_update("date_of_birth", "1999-05-17"),
    _patient_update("sex", "male"),
    _patient_update("clinic_id", "C-999"),
    _patient_update("notes", "Allergic to nothing."),
    swap_two_names,
    delete_lone_patient,
    delete_draft_visit,
    delete_episode,
    insert_patient,
    forge_signed_visit_with_plain_entry,
    forge_signed_visit_silently,
    change_audit_actor,
    remove_middle_entry,
    append_entry_with_made_up_mac,
    change_sign_entry_to_match,
    unsign_visit,
    move_signed_visit_to_another_patient,
    change_signed_answer,
    delete_red_flag_decision,
    change_differential_snapshot,
    change_amendment,
    delete_amendment,
    insert_amendment,
    edit_anchor_to_match_truncation,
]


def test_the_matrix_has_at_least_25_attacks() -> None:
    assert len({a.__name__ for a in ATTACKS}) == len(ATTACKS) >= 25


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.__name__ for a in ATTACKS])
def test_every_attack_is_named_by_verify(scene: Scene, attack: Callable[[Scene], str]) -> None:
    expected = attack(scene)
    problems = problems_of(scene)
    assert any(expected in p for p in problems), problems


def test_a_backup_with_its_tail_cut_off_is_named_and_never_restored(scene: Scene) -> None:
    from desktop_app.storage.backup import restore_database
    from desktop_app.storage.errors import DatabaseCorrupt

    conn = sqlite3.connect(scene.backup, isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    conn.close()
    with pytest.raises(DatabaseCorrupt, match="was changed after it was written"):
        restore_database(scene.backup, scene.db_path)
    with Repository.open(scene.backup, scene.kb) as repo:
        assert any("the newest entries were removed" in p for p in repo.verify())
