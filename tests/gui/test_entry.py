"""Entry that never bends a value: typed like a user, then checked in the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView
from pytestqt.qtbot import QtBot

from desktop_app.gui.dialogs import PatientDialog
from desktop_app.gui.fields import FieldMessage
from desktop_app.gui.main_window import MainWindow
from tests.gui.conftest import answer_dialog, press_ok
from tests.gui.flows import create_patient, start_visit


@pytest.fixture
def locale() -> Iterator[None]:
    before = QLocale()
    yield
    QLocale.setDefault(before)


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Focus, select all, type as a user does, and leave the field with Tab."""
    window = edit.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def message_of(edit: QLineEdit) -> FieldMessage:
    field = edit.parentWidget()
    assert field is not None
    message = field.findChild(FieldMessage)
    assert message is not None
    return message


@pytest.mark.parametrize(
    ("locale_name", "typed"),
    [
        ("en_GB", "14/03/1974"),
        ("de_DE", "14.03.1974"),
        ("en_GB", "14031974"),
        ("en_US", "3/14/1974"),
        ("ja_JP", "1974/03/14"),
    ],
)
def test_date_of_birth_typed_with_separators_is_stored_as_typed(
    qtbot: QtBot, window: MainWindow, locale: None, locale_name: str, typed: str
) -> None:
    QLocale.setDefault(QLocale(locale_name))

    def fill(dialog: PatientDialog) -> None:
        qtbot.keyClicks(dialog.name, "Ida Berg")
        qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.date_of_birth.edit, typed)
        qtbot.keyClick(dialog.date_of_birth.edit, Qt.Key.Key_Return)

    answer_dialog(PatientDialog, fill)
    window.new_patient()
    [patient] = window.ops.repo.search_patients("Ida Berg")
    assert patient.date_of_birth == dt.date(1974, 3, 14)


def test_an_impossible_date_of_birth_is_refused_at_the_field(qtbot: QtBot, locale: None) -> None:
    QLocale.setDefault(QLocale("en_GB"))
    dialog = PatientDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Ida Berg")
    type_into(qtbot, dialog.date_of_birth.edit, "31/02/1974")
    assert "not a real date" in dialog.date_of_birth.message.text()
    assert dialog.date_of_birth.message.isVisible()
    assert dialog.date_of_birth.edit.text() == ""  # nothing shown that would not be saved
    message = dialog.date_of_birth.message  # the dialog grew: every wrapped line is shown
    assert message.height() >= message.heightForWidth(message.width()) > message.minimumHeight()
    below = message.mapTo(dialog, message.rect().bottomLeft()).y()
    assert below < dialog.sex.mapTo(dialog, dialog.sex.rect().topLeft()).y()
    press_ok(dialog)
    assert not dialog.result()
    type_into(qtbot, dialog.date_of_birth.edit, "28/02/1974")
    assert not dialog.date_of_birth.message.isVisible()
    assert dialog.date_of_birth.edit.text() == "28/02/1974"


@pytest.mark.qt_log_ignore("does not support raise", "grabbing the keyboard", "propagateSizeHints")
def test_the_calendar_opens_at_today_and_nothing_later_can_be_chosen(qtbot: QtBot) -> None:
    dialog = PatientDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.date_of_birth.edit.setFocus()
    qtbot.keyClick(dialog.date_of_birth.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = dialog.date_of_birth.calendar
    assert calendar.isVisible()
    assert calendar.selectedDate() == QDate.currentDate()
    assert calendar.maximumDate() == QDate.currentDate()
    calendar.setSelectedDate(QDate(1974, 3, 14))
    view = calendar.findChild(QTableView)
    assert view is not None and view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert dialog.date_of_birth.day() == dt.date(1974, 3, 14)
    assert not calendar.isVisible()


@pytest.fixture
def visit_window(window: MainWindow) -> MainWindow:
    create_patient(window, "Ana Ruiz", QDate(1974, 3, 14))
    start_visit(window, list(window.ops.kb.presentations))
    return window


def stored_answer(window: MainWindow, prompt_id: str) -> object:
    assert window.editor.visit is not None
    return window.ops.repo.get_visit(window.editor.visit.id).observations.answers.get(prompt_id)


def test_onset_date_is_typeable_whole_or_as_a_month_and_year(
    qtbot: QtBot, visit_window: MainWindow, locale: None
) -> None:
    QLocale.setDefault(QLocale("en_GB"))
    window = visit_window
    edit = window.editor.history.rows["onset_date"].input.edit  # type: ignore[attr-defined]
    last_year = dt.date.today().year - 1
    type_into(qtbot, edit, f"14/03/{last_year}")
    assert stored_answer(window, "onset_date") == f"{last_year}-03-14"
    type_into(qtbot, edit, f"about March {last_year}")
    assert stored_answer(window, "onset_date") == f"{last_year}-03"
    assert edit.text() == f"March {last_year}"
    type_into(qtbot, edit, f"14/03/{last_year + 2}")  # in the future: refused, old value kept
    assert "future" in message_of(edit).text()
    assert stored_answer(window, "onset_date") == f"{last_year}-03"
    assert edit.text() == f"March {last_year}"


def test_tab_leaves_the_empty_onset_date(qtbot: QtBot, visit_window: MainWindow) -> None:
    edit = visit_window.editor.history.rows["onset_date"].input.edit  # type: ignore[attr-defined]
    visit_window.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not edit
    assert stored_answer(visit_window, "onset_date") is None


@pytest.mark.parametrize(
    ("prompt_id", "good", "bad"),
    [
        ("age_years", "52", "300"),  # number
        ("symptom_duration", "6", "-1"),  # duration
    ],
)
def test_out_of_range_history_numbers_are_refused_at_the_field(
    qtbot: QtBot, visit_window: MainWindow, prompt_id: str, good: str, bad: str
) -> None:
    window = visit_window
    edit = window.editor.history.rows[prompt_id].input.edit  # type: ignore[attr-defined]
    type_into(qtbot, edit, good)
    assert stored_answer(window, prompt_id) == int(good)
    type_into(qtbot, edit, bad)
    message = message_of(edit)
    assert message.isVisible() and "out of range" in message.text()
    assert edit.text() == good  # the screen shows what the record holds
    assert stored_answer(window, prompt_id) == int(good)
    type_into(qtbot, edit, "a lot")
    assert "not a number" in message.text() and edit.text() == good


def test_a_refusal_message_stays_with_its_visit(qtbot: QtBot, visit_window: MainWindow) -> None:
    """Opening another visit shows its own record: no "Not saved" left from the last one."""
    window = visit_window
    first = window.editor.visit
    assert first is not None and window.patient is not None
    edit = window.editor.history.rows["age_years"].input.edit  # type: ignore[attr-defined]
    type_into(qtbot, edit, "300")
    assert message_of(edit).isVisible()
    second = window.ops.start_visit(
        window.patient, "follow_up", list(first.observations.presentations)
    )
    assert second is not None
    window.open_visit(second.id)
    edit = window.editor.history.rows["age_years"].input.edit  # type: ignore[attr-defined]
    assert not message_of(edit).isVisible() and message_of(edit).text() == ""
    window.open_visit(first.id)
    assert not message_of(edit).isVisible()


def test_an_out_of_range_examination_measurement_is_refused(
    qtbot: QtBot, visit_window: MainWindow
) -> None:
    window = visit_window
    [row, *_] = [r for r in window.editor.exam.rows.values() if r.item.unit == "MRC grade"]
    item_id, side = row.item.id, next(iter(row.sides))
    edit = row.sides[side].edit
    assert edit is not None
    type_into(qtbot, edit, "4")
    visit = window.ops.repo.get_visit(window.editor.visit.id)  # type: ignore[union-attr]
    assert visit.observations.exam[item_id][side] == 4
    type_into(qtbot, edit, "7")
    assert "out of range" in message_of(edit).text() and edit.text() == "4"
    visit = window.ops.repo.get_visit(window.editor.visit.id)  # type: ignore[union-attr]
    assert visit.observations.exam[item_id][side] == 4
