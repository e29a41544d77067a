"""Dialogs: new patient, amendment (the new-visit dialog is gui/visit_dialog.py)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dates import PartialDate
from desktop_app.core.records import SEXES, Patient
from desktop_app.core.validation import MAX_LINE
from desktop_app.gui.fields import DateField
from desktop_app.gui.widgets import hint, local_date, named

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

    Name and date of birth are required; the date of birth is typed in the locale's order (or
    picked from a calendar) and cannot be in the future.
    """

    def __init__(self, parent: QWidget | None = None, patient: Patient | None = None):
        super().__init__(parent)
        self.setWindowTitle("New patient" if patient is None else "Edit patient details")
        self.setMinimumWidth(420)  # fits 1366x768 at 200 % (683 logical pixels)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.name = named(QLineEdit(), "Full name (required)")
        self.name.setMaxLength(MAX_LINE)
        self.date_of_birth = DateField("Date of birth (required)", what="date of birth")
        self.sex = named(QComboBox(), "Sex")
        for sex in SEXES:
            self.sex.addItem(sex.capitalize(), sex)
        self.clinic_id = named(QLineEdit(), "Clinic identifier")
        self.contact = named(QLineEdit(), "Contact (phone or e-mail)")
        for line in (self.clinic_id, self.contact):
            line.setMaxLength(MAX_LINE)
        form.addRow("Full &name" + REQUIRED, self.name)
        form.addRow("Date of &birth" + REQUIRED, self.date_of_birth)
        form.addRow("&Sex", self.sex)
        form.addRow("Clinic &ID", self.clinic_id)
        form.addRow("&Contact", self.contact)
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
        self.date_of_birth.set_value(PartialDate(born.year, born.month, born.day))
        self.sex.setCurrentIndex(max(0, self.sex.findData(patient.sex)))
        self.clinic_id.setText(patient.clinic_id)
        self.contact.setText(patient.contact)

    def _accept(self) -> None:
        typed = self.date_of_birth.commit()  # Enter in another field: read the date typed
        if not self.name.text().strip():
            self.error.setText("Enter the patient's name.")
            self.name.setFocus()
        elif not typed:
            self.error.setText("")  # the field says what is wrong with the date
            self.date_of_birth.setFocus()
        elif self.date_of_birth.day() is None:
            self.error.setText("Enter the date of birth.")
            self.date_of_birth.setFocus()
        else:
            self.accept()

    def values(self) -> tuple[str, dt.date, str, str, str]:
        """(name, date of birth, sex, clinic id, contact)."""
        day = self.date_of_birth.day()
        assert day is not None
        return (
            self.name.text().strip(),
            day,
            str(self.sex.currentData()),
            self.clinic_id.text().strip(),
            self.contact.text().strip(),
        )


def duplicate_choice(parent: QWidget, same: list[Patient]) -> bool | None:
    """Ask before a second record for the same person: True opens the existing one, False
    creates another, None cancels."""
    first = same[0]
    ids = ", ".join(p.clinic_id for p in same if p.clinic_id)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Possible duplicate patient")
    who = f"named {first.name}, born {local_date(first.date_of_birth)}"
    text = f"A patient {who} is" if len(same) == 1 else f"{len(same)} patients {who} are"
    box.setText(f"{text} already recorded" + (f" (ID {ids})." if ids else "."))
    box.setInformativeText(
        "Open the existing record, or create another only if this is a different person."
    )
    open_existing = box.addButton("Open existing patient", QMessageBox.ButtonRole.AcceptRole)
    create = box.addButton("Create another patient", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(open_existing)
    box.exec()
    clicked = box.clickedButton()
    if clicked is open_existing:
        return True
    return False if clicked is create else None


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
