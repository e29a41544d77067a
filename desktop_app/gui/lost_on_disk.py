"""The notice after a power cut took the last audited changes before the disk held them.

Opening the file finds them and records the loss in the audit log (storage/store.py,
`lost_on_disk`); the window says so once, after its first paint, as a notice and not an alarm:
nothing the disk had confirmed is missing and the file stays writable (docs/storage.md, "A power
cut is not tampering"). Only autosaves commit without waiting for the disk, autosaves are edits
of the visit open in the editor, and leaving a visit waits for the disk: so the visit to check
is the one that was open when the app stopped (the settings name it), if the database holds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.core.errors import StorageError
from desktop_app.core.wording import format_date, visit_type_name

if TYPE_CHECKING:
    from desktop_app.gui.main_window import MainWindow

TITLE = "The last changes did not reach the disk"
GOES_ON = "This is not tampering: the database keeps what the disk held, and saving goes on."
NOTICE_NAME = "lostOnDiskNotice"


def show_notice(window: MainWindow, visit_id: int | None) -> None:
    """Say what the power cut took, if anything (visit_id: the visit open when the app
    stopped, reopened now); a window-modal box, so the start goes on behind it."""
    lost = window.ops.repo.lost_on_disk
    if not lost:
        return
    parts = [lost, GOES_ON]
    visit = _visit_words(window, visit_id)
    if visit:
        parts.insert(1, f"The visit open when the app stopped: {visit}. Check its last entries.")
    box = QMessageBox(
        QMessageBox.Icon.Information,
        TITLE,
        "\n\n".join(parts),
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.setObjectName(NOTICE_NAME)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def _visit_words(window: MainWindow, visit_id: int | None) -> str:
    """The visit as "Ida Smith, Initial assessment of 4 Dec 2026"; "" if unknown or not held."""
    if visit_id is None:
        return ""
    repo = window.ops.repo
    try:
        visit = repo.get_visit(visit_id)
        patient = repo.get_patient(visit.patient_id)
    except StorageError:  # its creation was lost too, or an older file was put back
        return ""
    return f"{patient.name}, {visit_type_name(visit.visit_type)} of {format_date(visit.visit_date)}"
