"""Dialogs: new patient, amendment (the new-visit dialog is gui/visit_dialog.py)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.records import SEXES, Patient
from desktop_app.gui.widgets import hint, named

REQUIRED = " *"


def dialog_buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.rejected.connect(dialog.reject)
    return box


def error_label() -> QLabel:
    label = hint("")
    label.setObjectName("error")
    return label


class PatientDialog(QDialog):
    """New patient, or a patient's details to correct when given one.

    Name and date of birth are required; the date of birth cannot be in the future.
    """

    def __init__(self, parent: QWidget | None = None, patient: Patient | None = None):
        super().__init__(parent)
        self.setWindowTitle("New patient" if patient is None else "Edit patient details")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = named(QLineEdit(), "Full name (required)")
        self.date_of_birth = named(QDateEdit(), "Date of birth (required)")
        self.date_of_birth.setDisplayFormat(QLocale().dateFormat(QLocale.FormatType.ShortFormat))
        self.date_of_birth.setCalendarPopup(True)
        self.date_of_birth.setMinimumDate(QDate(1900, 1, 1))
        self.date_of_birth.setDate(QDate(1980, 1, 1))
        self.sex = named(QComboBox(), "Sex")
        for sex in SEXES:
            self.sex.addItem(sex.capitalize(), sex)
        self.clinic_id = named(QLineEdit(), "Clinic identifier")
        self.contact = named(QLineEdit(), "Contact (phone or e-mail)")
        form.addRow("Full name" + REQUIRED, self.name)
        form.addRow("Date of birth" + REQUIRED, self.date_of_birth)
        form.addRow("Sex", self.sex)
        form.addRow("Clinic ID", self.clinic_id)
        form.addRow("Contact", self.contact)
        layout.addLayout(form)
        layout.addWidget(hint("* required"))
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = dialog_buttons(self, "Create patient" if patient is None else "Save changes")
        buttons.accepted.connect(self._accept)
        layout.addWidget(buttons)
        if patient is not None:
            self._fill(patient)

    def _fill(self, patient: Patient) -> None:
        self.name.setText(patient.name)
        born = patient.date_of_birth
        self.date_of_birth.setDate(QDate(born.year, born.month, born.day))
        self.sex.setCurrentIndex(max(0, self.sex.findData(patient.sex)))
        self.clinic_id.setText(patient.clinic_id)
        self.contact.setText(patient.contact)

    def _accept(self) -> None:
        if not self.name.text().strip():
            self.error.setText("Enter the patient's name.")
            self.name.setFocus()
        elif self.date_of_birth.date() > QDate.currentDate():
            self.error.setText("The date of birth cannot be in the future.")
            self.date_of_birth.setFocus()
        else:
            self.accept()

    def values(self) -> tuple[str, dt.date, str, str, str]:
        """(name, date of birth, sex, clinic id, contact)."""
        day = self.date_of_birth.date()
        return (
            self.name.text().strip(),
            dt.date(day.year(), day.month(), day.day()),
            str(self.sex.currentData()),
            self.clinic_id.text().strip(),
            self.contact.text().strip(),
        )


class AmendDialog(QDialog):
    """An amendment to a signed visit: the correction and why."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Amend signed visit")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint(
                "A signed visit is never changed. The amendment is added to it, "
                "with your name and the time."
            )
        )
        layout.addWidget(QLabel("Amendment" + REQUIRED))
        self.text = named(QPlainTextEdit(), "Amendment text (required)")
        self.text.setTabChangesFocus(True)
        layout.addWidget(self.text)
        layout.addWidget(QLabel("Reason" + REQUIRED))
        self.reason = named(QLineEdit(), "Reason for the amendment (required)")
        layout.addWidget(self.reason)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = dialog_buttons(self, "Add amendment")
        buttons.accepted.connect(self._accept)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.text.toPlainText().strip() or not self.reason.text().strip():
            self.error.setText("Enter both the amendment and its reason.")
        else:
            self.accept()

    def values(self) -> tuple[str, str]:
        return self.text.toPlainText().strip(), self.reason.text().strip()
