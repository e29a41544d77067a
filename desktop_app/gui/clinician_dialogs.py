"""Who is at work: the first-run set-up, a clinician's details, and the choice of signer.

Thin views over gui.operations (storage keeps the clinicians and enforces that every signature,
amendment and acknowledgement names one of them).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
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

from desktop_app.core.clinicians import PROFESSIONS, Clinician
from desktop_app.gui.operations import Operations
from desktop_app.gui.widgets import heading, hint, named


def _error_label() -> QLabel:
    label = hint("")
    label.setObjectName("error")
    return label


class ClinicianFields:
    """Name, profession (a list to choose from, or typed) and registration number."""

    def __init__(self, form: QFormLayout, clinician: Clinician | None = None):
        self.name = named(QLineEdit(clinician.name if clinician else ""), "Clinician's name")
        self.profession = named(QComboBox(), "Profession")
        self.profession.setEditable(True)
        self.profession.addItems(PROFESSIONS)
        self.profession.setCurrentText(clinician.profession if clinician else PROFESSIONS[0])
        self.registration = named(
            QLineEdit(clinician.registration_number if clinician else ""),
            "Registration number",
            "The number of the professional register, printed with every signature",
        )
        form.addRow("Name *", self.name)
        form.addRow("Profession", self.profession)
        form.addRow("Registration no.", self.registration)

    def values(self) -> tuple[str, str, str]:
        return (
            self.name.text().strip(),
            self.profession.currentText().strip(),
            self.registration.text().strip(),
        )


class FirstRunDialog(QDialog):
    """Asked once, while the database names no clinician: the clinic and who works in it."""

    def __init__(self, ops: Operations, parent: QWidget | None = None):
        super().__init__(parent)
        self.ops = ops
        self.clinician: Clinician | None = None
        self.setWindowTitle("Set up the clinic")
        self.setMinimumWidth(460)
        settings = ops.repo.settings()
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Welcome", level=2))
        layout.addWidget(
            hint(
                "Letters and records carry the clinic's name, and every signature names the "
                "clinician who signs. Add more clinicians later in Settings."
            )
        )
        form = QFormLayout()
        self.clinic_name = named(QLineEdit(settings.clinic_name), "Clinic name")
        self.clinic_address = named(QPlainTextEdit(settings.clinic_address), "Clinic address")
        self.clinic_address.setTabChangesFocus(True)
        self.clinic_address.setFixedHeight(60)
        form.addRow("Clinic name *", self.clinic_name)
        form.addRow("Address", self.clinic_address)
        self.fields = ClinicianFields(form)
        layout.addLayout(form)
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Save and start")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Later")
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _save(self) -> None:
        clinic = self.clinic_name.text().strip()
        name, profession, registration = self.fields.values()
        if not clinic or not name:
            self.error.setText("Enter the clinic's name and your name.")
            return
        settings = replace(
            self.ops.repo.settings(),
            clinic_name=clinic,
            clinic_address=self.clinic_address.toPlainText().strip(),
        )
        self.clinician = self.ops.set_up(settings, name, profession, registration)
        if self.clinician is not None:
            self.accept()


class ClinicianDialog(QDialog):
    """A new clinician, or one's details to correct (and whether they still work here)."""

    def __init__(self, parent: QWidget | None = None, clinician: Clinician | None = None):
        super().__init__(parent)
        self.original = clinician
        self.setWindowTitle("New clinician" if clinician is None else "Edit clinician")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.fields = ClinicianFields(form, clinician)
        self.active = named(QCheckBox("Works here (offered as a signer)"), "Works here")
        self.active.setChecked(clinician.active if clinician else True)
        self.active.setVisible(clinician is not None)
        form.addRow("", self.active)
        layout.addLayout(form)
        if clinician is not None:
            layout.addWidget(hint("Records already signed keep the name they were signed with."))
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.fields.values()[0]:
            self.error.setText("Enter the clinician's name.")
        else:
            self.accept()

    def values(self) -> tuple[str, str, str, bool]:
        return (*self.fields.values(), self.active.isChecked())


class ChooseClinicianDialog(QDialog):
    """Which of the clinicians of this database signs (or amends, or acknowledges)."""

    def __init__(
        self,
        clinicians: list[Clinician],
        default: Clinician | None,
        action: str,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(action)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{action}: who are you?"))
        self.choice = named(QComboBox(), "Clinician")
        for clinician in clinicians:
            self.choice.addItem(clinician.signature, clinician.id)
        if default is not None:
            self.choice.setCurrentIndex(max(0, self.choice.findData(default.id)))
        layout.addWidget(self.choice)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.clinicians = {c.id: c for c in clinicians}

    def chosen(self) -> Clinician:
        return self.clinicians[int(self.choice.currentData())]


def choose_clinician(ops: Operations, action: str, parent: QWidget | None) -> Clinician | None:
    """The clinician who performs `action`: the set-up first if there is none, the only one
    without asking, else the one chosen (the last signer here offered first)."""
    clinicians = ops.clinicians()
    if not clinicians:
        if ops.clinicians(include_inactive=True):
            QMessageBox.information(
                parent, action, "No clinician is marked as working here: add one in Settings."
            )
            return None
        setup = FirstRunDialog(ops, parent)
        setup.exec()
        return setup.clinician
    if len(clinicians) == 1:
        return clinicians[0]
    chooser = ChooseClinicianDialog(clinicians, ops.default_clinician(), action, parent)
    if chooser.exec() != QDialog.DialogCode.Accepted:
        return None
    return chooser.chosen()
