"""The signature names the clinician in Settings, in the database and on paper."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QDate

from desktop_app.gui.main_window import MainWindow
from tests.export.pdf_reading import text
from tests.gui.conftest import Recorder
from tests.gui.flows import create_patient, start_visit


def test_signer_from_settings_is_stored_and_printed(
    open_app: Callable[[], MainWindow], yes: Recorder, tmp_path: Path
) -> None:
    window = open_app()
    repo = window.ops.repo
    assert window.ops.save_settings(replace(repo.settings(), clinician_name="Dr Jane Roe"))
    create_patient(window, "Ines Duarte", QDate(1979, 3, 9))
    start_visit(window, ["buttock_pain"])
    visit_id = window.editor.visit.id

    window.sign_visit()
    assert yes.calls
    stored = repo.get_visit(visit_id)
    assert stored.is_signed and stored.signed_by == "Dr Jane Roe"
    assert "Dr Jane Roe" in window.editor.status.toolTip()

    written = window.ops.export(visit_id, "summary", tmp_path / "summary.pdf")
    assert written is not None
    assert "Signed by Dr Jane Roe" in text(written)
