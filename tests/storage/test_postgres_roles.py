"""Each clinician as their own server login (migration 0010): a login tied to a clinician writes
every audit entry as them and cannot act as another; the server itself checks each entry's actor,
so a workstation that bypasses the app cannot forge one either."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import psycopg
import pytest

from desktop_app.core.errors import InvalidObservation, StorageError
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository
from tests import pg_server
from tests.storage.conftest import ADMIN, CLINICIAN
from tests.storage.helpers import filled_visit
from tests.storage.test_postgres_commands import command

ANN, BEN = "Ann Smith", "Ben Jones"


@dataclass
class Clinic:
    cluster: pg_server.Cluster
    database: str
    ids: dict[str, int]  # clinician name -> ID

    def url(self, role: str) -> str:
        return self.cluster.url(self.database, role)


@pytest.fixture
def clinic(pg_cluster: pg_server.Cluster, pg_url: str, kb: KnowledgeBase) -> Clinic:
    """Ann and Ben, each tied to their own login; Cara tied to none (the shared login's)."""
    with psycopg.connect(pg_cluster.url(), autocommit=True) as su:
        for role in (ANN, BEN):
            if su.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone() is None:
                su.execute(f'CREATE ROLE "{role}" LOGIN IN ROLE gluteal_clinician')
    database = pg_url.rsplit("/", 1)[1]
    with Repository.open_server(pg_cluster.url(database, ADMIN), kb) as admin:
        ids = {n: admin.add_clinician(n, "Physiotherapist").id for n in (ANN, BEN, "Cara Lee")}
        admin.tie_clinician_role(ids[ANN], ANN)
        admin.tie_clinician_role(ids[BEN], BEN)
    return Clinic(pg_cluster, database, ids)


def test_a_tied_login_writes_as_its_clinician_and_signs_only_as_them(
    clinic: Clinic, kb: KnowledgeBase
) -> None:
    ids, url = clinic.ids, clinic.url
    with Repository.open_server(url(ANN), kb) as ann:
        assert ann.actor == f"{ANN} (clinician {ids[ANN]})"
        patient = ann.create_patient("Zoë Łukasiewicz", dt.date(1980, 5, 17), "female")
        visit = ann.create_visit(patient.id, "initial", ["pain"])
        with pytest.raises(InvalidObservation, match=f"only as yourself, not as {BEN}"):
            ann.sign_visit(visit.id, by=ids[BEN])
        ann.sign_visit(visit.id, by=ids[ANN])
        actors = {e.actor for e in ann.audit_trail("visit", str(visit.id))}
        assert actors == {ann.actor}
        assert ann.verify() == []


def test_the_server_refuses_an_entry_in_another_clinicians_name(
    clinic: Clinic, kb: KnowledgeBase
) -> None:
    ids, url = clinic.ids, clinic.url
    with Repository.open_server(url(ANN), kb) as ann:
        ann.actor = f"{BEN} (clinician {ids[BEN]})"  # as a doctored copy of the app would
        with pytest.raises(StorageError, match="refused to record this in that clinician's name"):
            ann.create_patient("A", dt.date(1990, 1, 1), "male")
        assert ann.patient_count() == 0  # nothing of it was saved
    with psycopg.connect(url(ANN), autocommit=True) as raw:
        for sql in (
            "INSERT INTO clinician_roles (clinician_id, role) VALUES (%s, 'x')",
            "UPDATE clinician_roles SET role = 'Ann Smith' WHERE clinician_id = %s",
            "DELETE FROM clinician_roles WHERE clinician_id = %s",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                raw.execute(sql, [ids[BEN]])


def test_a_shared_login_signs_as_untied_clinicians_only(clinic: Clinic, kb: KnowledgeBase) -> None:
    ids, url = clinic.ids, clinic.url
    with Repository.open_server(url(CLINICIAN), kb) as room:
        assert room.actor == CLINICIAN and room.logged_in is None
        patient = room.create_patient("B", dt.date(1990, 1, 1), "male")
        visit = filled_visit(room, patient.id, sign=False)
        with pytest.raises(InvalidObservation, match=f"{ANN} signs from their own login"):
            room.sign_visit(visit.id, by=ids[ANN])
        room.sign_visit(visit.id, by=ids["Cara Lee"])
        assert room.audit_trail("visit", str(visit.id))[-1].actor.startswith("Cara Lee")


def test_renaming_oneself_keeps_the_login_writing(clinic: Clinic, kb: KnowledgeBase) -> None:
    ids, url = clinic.ids, clinic.url
    with Repository.open_server(url(BEN), kb) as ben:
        ben.update_clinician(replace(ben.clinician(ids[BEN]), name="Benjamin Jones"))
        ben.create_patient("C", dt.date(1990, 1, 1), "male")
        assert ben.audit_trail()[-1].actor == f"Benjamin Jones (clinician {ids[BEN]})"


def test_the_tie_is_the_admins_audited_act_to_a_real_login(
    clinic: Clinic, kb: KnowledgeBase
) -> None:
    ids, url = clinic.ids, clinic.url
    with Repository.open_server(url(ADMIN), kb) as admin:
        assert admin.clinician_roles() == {ids[ANN]: ANN, ids[BEN]: BEN}
        with pytest.raises(InvalidObservation, match="no login role 'Nobody'"):
            admin.tie_clinician_role(ids["Cara Lee"], "Nobody")
        admin.tie_clinician_role(ids["Cara Lee"], BEN)  # Ben's login now acts as Cara
        entry = admin.audit_trail("clinician", str(ids["Cara Lee"]))[-1].detail
        assert entry == f"login role {BEN} (moved from clinician {ids[BEN]})"
        admin.tie_clinician_role(ids["Cara Lee"], None)
        assert admin.audit_trail("clinician", str(ids["Cara Lee"]))[-1].detail == (
            "login role removed"
        )
        assert admin.verify() == []
    with Repository.open_server(url(BEN), kb) as ben:
        assert ben.actor == BEN and ben.logged_in is None  # untied: the login's own name again


def test_the_admin_ties_a_clinician_from_the_command_line(
    clinic: Clinic,
    kb: KnowledgeBase,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("desktop_app.app.App.knowledge_base", lambda self: kb)
    cara = str(clinic.ids["Cara Lee"])
    assert command(capsys, "--db", clinic.url(ADMIN), "clinician-role", cara, CLINICIAN)[0] == 0
    code, out = command(capsys, "--db", clinic.url(ADMIN), "clinician-role")
    assert code == 0 and f"{cara}\tCara Lee\t{CLINICIAN}" in out.splitlines()
    code, out = command(capsys, "--db", clinic.url(CLINICIAN), "clinician-role", cara, "--remove")
    assert code == 2 and "may not make this change" in out  # a clinician cannot untie
    with Repository.open_server(clinic.url(CLINICIAN), kb) as room:
        assert room.actor == f"Cara Lee (clinician {cara})"
