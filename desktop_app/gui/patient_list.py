"""The patient list: one row per patient, the name on the first line, birth date and ID below.

Each line is shortened to the width (the full text is in the tooltip), and each row is as tall
as its text really is: a name in a script drawn by a taller fallback font (CJK, Devanagari,
Thai…) no longer pushes the date of birth out of its row.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QFont, QTextLayout
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop_app.core.records import Patient
from desktop_app.gui.widgets import local_date, named

ROW_PADDING = 18  # the style sheet's item padding (2 × 6 px), border and breathing room


def text_height(text: str, font: QFont) -> float:
    """The height of one line of text as laid out, fallback fonts included."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(1e6)
    layout.endLayout()
    return line.height()


class RowDelegate(QStyledItemDelegate):
    """Rows as tall as their two lines are drawn."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        base = super().sizeHint(option, index)
        lines = str(index.data(Qt.ItemDataRole.DisplayRole) or "").split("\n")
        needed = sum(text_height(line, option.font) for line in lines) + ROW_PADDING
        return QSize(1, max(base.height(), int(needed + 0.999)))


def row_text(patient: Patient) -> str:
    """'Name', then 'date of birth · clinic ID'."""
    second = local_date(patient.date_of_birth)
    if patient.clinic_id:
        second += f" · {patient.clinic_id}"
    return f"{patient.name}\n{second}"


class PatientList(QListWidget):
    """Patients found by the search; the row's data is the patient ID."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Patients")
        self.setWordWrap(False)  # each line elided to the width, never wrapped out of sight
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setItemDelegate(RowDelegate(self))

    def show_patients(self, patients: list[Patient], current: int | None) -> None:
        """Fill the list; the patient with ID `current` is selected if listed."""
        self.clear()
        for patient in patients:
            item = QListWidgetItem(row_text(patient))
            item.setData(Qt.ItemDataRole.UserRole, patient.id)
            item.setToolTip(row_text(patient).replace("\n", "\n" + "Born "))
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole,
                f"{patient.name}, born {local_date(patient.date_of_birth)}"
                + (f", ID {patient.clinic_id}" if patient.clinic_id else ""),
            )
            self.addItem(item)
            if patient.id == current:
                self.setCurrentItem(item)
        if current is None:
            self.setCurrentRow(-1)

    def select_patient(self, patient_id: int) -> None:
        """Select (and scroll to) the row of a patient, or none if not listed."""
        for row in range(self.count()):
            item = self.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == patient_id:
                self.setCurrentItem(item)
                self.scrollToItem(item)
                return
        self.setCurrentRow(-1)
