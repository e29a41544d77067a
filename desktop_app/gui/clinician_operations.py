"""The user's actions on the clinicians of the open database (part of gui.operations).

Signing, amending and acknowledging name one of these clinicians; the one who last did so at
this workstation is offered first (workstation.json, beside the chosen database).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from desktop_app import workstation
from desktop_app.core.clinicians import Clinician, choose_default
from desktop_app.core.records import Settings
from desktop_app.storage.repository import Repository

log = logging.getLogger(__name__)
T = TypeVar("T")


class ClinicianOperations:
    """Mixed into Operations, which provides `repo` and `_run`."""

    repo: Repository

    def _run(self, title: str, action: Callable[[], T], *, write: bool = True) -> T | None:
        raise NotImplementedError  # Operations._run

    def clinicians(self, *, include_inactive: bool = False) -> list[Clinician]:
        """The clinicians of this database (empty list after showing an error)."""
        found = self._run(
            "Could not read the clinicians",
            lambda: self.repo.clinicians(include_inactive=include_inactive),
            write=False,
        )
        return found or []

    def default_clinician(self) -> Clinician | None:
        """Who is offered first to sign: the clinician this server login is tied to, else the
        last signer at this workstation, else the first."""
        last = self.repo.logged_in or workstation.last_signer(self.repo.path)
        return choose_default(self.clinicians(), last)

    def _remember(self, clinician_id: int) -> None:
        try:
            workstation.remember_signer(self.repo.path, clinician_id)
        except OSError as exc:  # only a convenience: never fails the act it follows
            log.warning("last signer not remembered: %s", type(exc).__name__)

    def add_clinician(self, name: str, profession: str, registration: str) -> Clinician | None:
        """Add a clinician to this database (audited)."""
        return self._run(
            "Could not add the clinician",
            lambda: self.repo.add_clinician(name, profession, registration),
        )

    def update_clinician(self, clinician: Clinician) -> Clinician | None:
        """Correct a clinician's details, or mark them as no longer working here (audited)."""
        return self._run(
            "Could not save the clinician", lambda: self.repo.update_clinician(clinician)
        )

    def set_up(
        self, settings: Settings, name: str, profession: str, registration: str
    ) -> Clinician | None:
        """The first-run set-up: the clinic's settings and its first clinician, together."""
        clinician = self._run(
            "Could not save the set-up",
            lambda: self.repo.set_up(settings, name, profession, registration),
        )
        if clinician is not None:
            self._remember(clinician.id)
        return clinician
