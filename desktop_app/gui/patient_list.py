"""The patient list: one row per patient, the name on the first line, birth date and ID below.

Each line is shortened to the width (the full text is in the tooltip), and each row is as tall
as its text really is: a name in a script drawn by a taller fallback font (CJK, Devanagari,
Thai…) no longer pushes the date of birth out of its row.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QTextLayout
from PySide6.QtWidgets import (
    QApplication,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop_app.core.records import Patient
from desktop_app.gui.style import colour
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
    """Rows as tall as their two lines are drawn; each line laid out on its own, so the date's
    digits never take the name's script (and a font that may lack them)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        name, _, second = str(index.data(Qt.ItemDataRole.DisplayRole) or "").partition("\n")
        item.text = ""  # (its copy has the line break as U+2028)
        widget = item.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, item, widget)
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        metrics = QFontMetricsF(item.font)
        top = rect.top() + (rect.height() - self._height(name, second, item.font)) / 2
        painter.save()
        painter.setFont(item.font)
        text = item.palette.color(QPalette.ColorRole.Text)
        pens = (text, QColor(colour("hint")))
        if selected:
            pens = (QColor(colour("selected_text")),) * 2
        for line, pen in zip((name, second), pens, strict=True):
            painter.setPen(pen)
            height = text_height(line, item.font)
            shown = metrics.elidedText(line, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(QRectF(rect.left(), top, rect.width(), height), shown)
            top += height
        painter.restore()

    @staticmethod
    def _height(name: str, second: str, font: QFont) -> float:
        return text_height(name, font) + text_height(second, font)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        base = super().sizeHint(option, index)
        name, _, second = str(index.data(Qt.ItemDataRole.DisplayRole) or "").partition("\n")
        needed = self._height(name, second, option.font) + ROW_PADDING
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
