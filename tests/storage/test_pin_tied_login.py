"""Wrong PINs on a clinic-server login tied to a clinician (migration 0010): a PIN tried for
another clinician is counted and audited under the login's own clinician, whose name is the
only one the server lets that login write."""

from __future__ import annotations

import pytest

from desktop_app.core.accounts import AccessDenied
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.storage.repository import Repository
from tests.storage.test_postgres_roles import ANN, BEN, Clinic, clinic

__all__ = ["clinic"]  # a fixture


def test_a_wrong_pin_for_another_clinician_is_counted_on_a_tied_login(
    clinic: Clinic, kb: KnowledgeBase
) -> None:
    ann, ben = clinic.ids[ANN], clinic.ids[BEN]
    with Repository.open_server(clinic.url(ANN), kb) as repo:
        repo.set_pin(ann, "4711", by=ann)  # the first admin
    with Repository.open_server(clinic.url(ANN), kb) as repo:
        repo.set_pin(ben, "2222", by=ann, by_pin="4711")
        for _ in range(5):
            with pytest.raises(AccessDenied, match="not Ben Jones's PIN"):
                repo.check_pin(ben, "0000")
        assert repo.locked_out_until(ben) is not None
        refused = [
            (e.actor, e.entity_id) for e in repo.audit_trail() if e.action.endswith("refused")
        ]
        assert refused == [(f"{ANN} (clinician {ann})", str(ben))] * 5
        assert repo.verify() == []
    ben_login = Repository.open_server(clinic.url(BEN), kb)
    with ben_login as repo, pytest.raises(AccessDenied, match="Ben Jones is locked out"):
        repo.unlock(ben, "2222")  # Ben's own login: still locked out
