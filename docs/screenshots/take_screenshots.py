"""Take the README screenshots: `xvfb-run -a .venv/bin/python docs/screenshots/take_screenshots.py`.

Builds a throw-away database with one patient and two visits (post-injection gluteal atrophy with
a saddle-numbness red flag), then saves PNGs of the main screens next to this file. WINDOW is the
window size in logical pixels, SUFFIX names the set, THEME=dark applies a dark system palette;
README.md lists the commands for each set (1366x768 at 100 % and 150 %, dark).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QDate, QLocale, QSettings, QThread, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QScrollArea, QWidget

from desktop_app.app import App
from desktop_app.core.observations import Mark
from desktop_app.core.referral import suggested
from desktop_app.gui.application import configure, open_window
from desktop_app.gui.clinician_dialogs import FirstRunDialog
from desktop_app.gui.dialogs import PatientDialog, duplicate_choice
from desktop_app.gui.fields import date_format
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.red_flag_banner import AcknowledgeDialog
from desktop_app.gui.referral_dialog import ReferralDialog
from desktop_app.gui.visit_dialog import VisitDateDialog
from desktop_app.gui.visit_editor import TABS

OUT = Path(__file__).parent
SUFFIX = os.environ.get("SUFFIX", "")


def shot(widget: QWidget, name: str) -> None:
    for _ in range(3):  # let layouts settle (word-wrapped labels need a second pass)
        QApplication.processEvents()
        QThread.msleep(30)
    screen = widget.screen().availableGeometry().size()
    if widget.width() > screen.width() or widget.height() > screen.height():
        sys.exit(f"{name}: {widget.width()}x{widget.height()} does not fit the screen {screen}")
    widget.grab().save(str(OUT / f"{name}{SUFFIX}.png"))


def dark_palette() -> QPalette:
    """A dark system palette as GNOME, macOS or Windows 11 dark mode hand it to Qt."""
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#292a2d"),
        (QPalette.ColorRole.AlternateBase, "#303134"),
        (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.Button, "#303134"),
        (QPalette.ColorRole.ButtonText, "#e8eaed"),
        (QPalette.ColorRole.Highlight, "#8ab4f8"),
        (QPalette.ColorRole.HighlightedText, "#202124"),
        (QPalette.ColorRole.ToolTipBase, "#303134"),
        (QPalette.ColorRole.ToolTipText, "#e8eaed"),
        (QPalette.ColorRole.PlaceholderText, "#9aa0a6"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def fill_visit(window: MainWindow, pain: int, red_flag: bool) -> None:
    editor = window.editor
    assert editor.visit is not None
    history = editor.history.rows
    history["injection_history"].input.buttons.buttons["yes"].click()  # type: ignore[attr-defined]
    history["current_pain"].input.buttons.buttons[pain].click()  # type: ignore[attr-defined]
    if red_flag:
        history["saddle_anaesthesia"].input.buttons.buttons["yes"].click()  # type: ignore[attr-defined]
    negative = editor.exam.rows["gt_palpation"].sides["right"].buttons
    assert negative is not None
    negative.buttons["negative"].click()
    editor._mark_toggled(Mark("upper_outer_buttock", "depression", "right"), True)
    field = editor.measures.boxes["nprs"].fields["current"]
    field.edit.setText(str(pain))
    field.commit()


def grab_and_close(app: QApplication, name: str) -> None:
    box = app.activeModalWidget()
    if isinstance(box, QMessageBox):
        shot(box, name)
        box.reject()


def main() -> None:
    app = QApplication(sys.argv)
    if os.environ.get("THEME") == "dark":
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    configure(app)
    workdir = Path(tempfile.mkdtemp())
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(workdir))
    window = open_window(App(db=workdir / "visits.sqlite3"))
    assert window is not None
    width, height = os.environ.get("WINDOW", "1366x768").split("x")
    window.resize(int(width), int(height))
    shot(window, "01-welcome")
    set_up = FirstRunDialog(window.ops, window)  # an empty database names no clinician yet
    set_up.show()
    shot(set_up, "01b-first-run-set-up")
    set_up.close()

    dialog = PatientDialog(window)
    dialog.name.setText("Maria Example")
    dialog.show()
    dialog.date_of_birth.edit.setText("31/02/1984")  # typed, refused at the field
    dialog.date_of_birth.commit()
    shot(dialog, "02-new-patient")
    dialog.date_of_birth.edit.setText(QLocale().toString(QDate(1984, 3, 12), date_format()))
    dialog.date_of_birth.commit()
    dialog.date_of_birth.open_calendar()
    shot(dialog.date_of_birth.popup, "02b-date-calendar")
    dialog.date_of_birth.popup.hide()
    dialog.close()

    ops = window.ops
    patient = ops.create_patient("Maria Example", dt.date(1984, 3, 12), "female", "GA-0042")
    assert patient is not None
    for other in ("Zoë Łukasiewicz", "Jonas Berg", "山田 太郎", "सुनीता शर्मा"):
        ops.create_patient(other, dt.date(1975, 7, 1), "unknown", "GA-0107")
    three_weeks_ago = dt.date.today() - dt.timedelta(weeks=3)
    first = ops.start_visit(patient, "initial", ["gluteal_depression"], three_weeks_ago)
    assert first is not None
    window.open_visit(first.id)
    fill_visit(window, 6, red_flag=False)
    signer = ops.add_clinician("Alex Morgan", "Physiotherapist", "PH000000")
    assert signer is not None
    ops.sign(first.id, signer.id)
    second = ops.start_visit(patient, "follow_up", ["gluteal_depression"])
    assert second is not None
    window.show_patient(patient.id)
    window.open_visit(second.id)
    fill_visit(window, 2, red_flag=True)
    editor = window.editor
    for index, name in enumerate(TABS):
        editor.tabs.setCurrentIndex(index)
        shot(window, f"{index + 3:02d}-visit-{name.lower().replace(' ', '-')}")
    editor.tabs.setCurrentIndex(TABS.index("Body chart"))
    editor.chart.views["posterior"].regionClicked.emit("upper_outer_buttock", "right")  # select
    editor.chart.intensity.setValue(6)
    editor.chart.quality_boxes["aching"].click()
    editor.chart.quality_boxes["sharp"].click()
    area = editor.tabs.currentWidget()
    assert isinstance(area, QScrollArea)
    area.ensureWidgetVisible(editor.chart.summary)  # the detail row in view
    shot(window, "05b-body-chart-detail")
    editor.exam.rows["gt_palpation"].info.setChecked(True)
    shot(window, "08-exam-details")
    editor.go_to_item("exam", "gt_palpation")
    shot(window, "08-exam-details")
    editor.go_to_item("answer", "age_years")
    age = editor.history.rows["age_years"].input.edit  # type: ignore[attr-defined]
    age.setText("300")
    age.editingFinished.emit()  # refused: "Not saved" at the field, the stored age shown
    editor.tabs.setCurrentIndex(TABS.index("History"))
    editor.go_to_item("answer", "age_years")
    shot(window, "12-refused-value")
    assert editor.differential is not None
    ack = AcknowledgeDialog(editor.differential.red_flags[0], window)
    ack.show()
    shot(ack, "09-acknowledge-red-flag")
    ack.close()
    referral = ReferralDialog(
        suggested(ops.kb, editor.differential), ops.clinicians(), signer, window
    )
    referral.show()
    shot(referral, "09b-referral-letter")
    referral.close()
    dating = VisitDateDialog(second, window)
    dating.show()
    shot(dating, "09c-visit-date")
    dating.close()
    window.show_patient(patient.id)
    shot(window, "10-patient-page")
    QTimer.singleShot(300, lambda: grab_and_close(app, "13-duplicate-warning"))
    duplicate_choice(window, [patient])
    window.open_visit(first.id)
    editor.tabs.setCurrentIndex(TABS.index("History"))
    shot(window, "11-signed-visit")
    window.close()


if __name__ == "__main__":
    main()
