"""A draft's date is changed from the visit screen: typed, never in the future, audited, and
locked once the visit is signed; an age filled in from the date of birth follows the new day."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.fields import date_format
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_dialog import VisitDateDialog
from desktop_app.gui.widgets import local_date
from tests.gui.conftest import answer_dialog, press_ok
from tests.gui.flows import activate, click, create_patient, start_visit


def typed(day: dt.date) -> str:
    return QLocale().toString(QDate(day.year, day.month, day.day), date_format())


def test_a_draft_is_re_dated_as_typed_and_a_signed_visit_keeps_its_date(
    qtbot: QtBot, window: MainWindow, kb: KnowledgeBase
) -> None:
    today = dt.date.today()
    # A 40th birthday in the last six days (a day that every year has): 39 a week ago.
    birthday = next(d for k in range(1, 7) if (d := today - dt.timedelta(days=k)).day <= 28)
    born = birthday.replace(year=birthday.year - 40)
    create_patient(window, "Date Change", QDate(born.year, born.month, born.day))
    start_visit(window, list(kb.presentations))
    activate(qtbot, window)
    editor = window.editor
    assert editor.visit is not None
    visit_id = editor.visit.id
    repo = window.ops.repo
    age_today = repo.get_visit(visit_id).observations.answers["age_years"]
    week_ago = today - dt.timedelta(days=7)

    def fill(dialog: VisitDateDialog) -> None:
        field = dialog.visit_date
        assert field.edit.text() == typed(today)  # opens at the visit's date
        field.edit.selectAll()
        qtbot.keyClicks(field.edit, typed(today + dt.timedelta(days=1)))
        press_ok(dialog)
        assert dialog.isVisible() and "future" in field.message.text()  # refused at the field
        assert repo.get_visit(visit_id).visit_date == today
        field.edit.selectAll()
        qtbot.keyClicks(field.edit, typed(week_ago))
        press_ok(dialog)
        assert not dialog.isVisible()

    seen = answer_dialog(VisitDateDialog, fill)
    click(qtbot, editor.date_button)
    assert seen
    stored = repo.get_visit(visit_id)
    assert stored.visit_date == week_ago
    assert local_date(week_ago) in editor.title.text()
    assert (age_today, stored.observations.answers["age_years"]) == (40, 39)
    age_field = editor.history.rows["age_years"].input.edit  # type: ignore[attr-defined]
    assert age_field.text() == "39"
    details = [e.detail for e in repo.audit_trail("visit", str(visit_id))]
    assert f"visit date {today.isoformat()} → {week_ago.isoformat()}" in details

    # Signed: no date button, and the menu action changes nothing.
    signer = window.ops.clinicians()[0]
    assert window.ops.sign(visit_id, signer.id)
    editor.reload_visit()
    assert not editor.date_button.isVisible()
    window.change_visit_date()  # would open the dialog if it were allowed
    assert repo.get_visit(visit_id).visit_date == week_ago
