"""The patient list: the new patient selected, duplicates warned, rows legible in any script."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.patient_list import text_height
from desktop_app.gui.style import apply_style, is_dark
from tests.gui.conftest import answer_dialog
from tests.gui.flows import create_patient
from tests.gui.palettes import contrast, darkened


def selected_id(window: MainWindow) -> int | None:
    item = window.list.currentItem()
    return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))


def test_the_new_patient_is_the_one_selected(window: MainWindow) -> None:
    create_patient(window, "Ana Ruiz", QDate(1990, 2, 28))
    first = window.patient
    assert first is not None and selected_id(window) == first.id
    create_patient(window, "Bo Lind", QDate(1970, 1, 1))
    assert window.patient is not None and window.patient.name == "Bo Lind"
    assert selected_id(window) == window.patient.id != first.id
    assert window.page.name.text() == "Bo Lind"


def click_button(text: str):  # type: ignore[no-untyped-def]
    def fill(box: QMessageBox) -> None:
        assert "already recorded" in box.text()
        next(b for b in box.buttons() if b.text() == text).click()

    return fill


@pytest.mark.parametrize(
    ("answer", "records"), [("Open existing patient", 1), ("Create another patient", 2)]
)
def test_same_name_and_birth_date_warns_before_a_second_record(
    window: MainWindow, answer: str, records: int
) -> None:
    create_patient(window, "Ana Ruiz", QDate(1990, 2, 28))
    first = window.patient
    assert first is not None
    create_patient(window, "Bo Lind", QDate(1970, 1, 1))
    seen = answer_dialog(QMessageBox, click_button(answer))
    create_patient(window, "ana ruiz", QDate(1990, 2, 28))  # case does not hide a duplicate
    assert seen
    assert len(window.ops.repo.same_patients("Ana Ruiz", first.date_of_birth)) == records
    assert window.patient is not None
    assert (window.patient.id == first.id) == (records == 1)
    assert selected_id(window) == window.patient.id


def test_cancelling_the_duplicate_warning_creates_nothing(window: MainWindow) -> None:
    create_patient(window, "Ana Ruiz", QDate(1990, 2, 28))
    seen = answer_dialog(QMessageBox, click_button("Cancel"))
    create_patient(window, "Ana Ruiz", QDate(1990, 2, 28))
    assert seen and window.ops.repo.patient_count() == 1


@pytest.mark.parametrize(
    "name", ["山田 太郎", "김민준", "सुनीता शर्मा", "สมชาย ใจดี", "Zoë Łukasiewicz"]
)
def test_rows_keep_the_birth_date_visible_for_any_script(
    qtbot: QtBot, window: MainWindow, name: str
) -> None:
    create_patient(window, name, QDate(1974, 3, 14))
    window.ops.repo.update_patient(window.ops.repo.get_patient(window.patient.id))  # type: ignore[union-attr]
    item = window.list.item(0)
    name_line, date_line = item.text().split("\n")
    assert name_line == name and "1974" in date_line
    font = window.list.font()
    needed = text_height(name_line, font) + text_height(date_line, font)
    assert window.list.visualItemRect(item).height() >= needed


@pytest.fixture
def dark_palette(qapp: QApplication) -> Iterator[QPalette]:
    before = qapp.palette()
    dark = darkened(QPalette())
    qapp.setPalette(dark)
    apply_style(qapp)
    yield dark
    qapp.setPalette(before)
    apply_style(qapp)


def test_patient_names_are_legible_under_a_dark_palette(
    qtbot: QtBot, window: MainWindow, dark_palette: QPalette
) -> None:
    assert is_dark(QApplication.palette())
    create_patient(window, "Ana Ruiz", QDate(1990, 2, 28))
    create_patient(window, "Bo Lind", QDate(1970, 1, 1))
    window.list.setCurrentRow(-1)
    image = window.list.viewport().grab().toImage()
    rect = window.list.visualItemRect(window.list.item(1))
    background = QColor(image.pixel(rect.right() - 3, rect.center().y()))
    best = max(
        contrast(background, QColor(image.pixel(x, y)))
        for x in range(rect.left(), min(rect.right(), rect.left() + 120))
        for y in range(rect.top(), rect.bottom())
    )
    assert best >= 4.5, f"text contrast {best:.1f}:1 on the list's background"
