"""Before a referral letter is written: to whom, why, the question, and who it is from.

Prefilled from the visit (core.referral); what is accepted is printed and kept with the export
in the audit log.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.clinicians import Clinician
from desktop_app.core.referral import ReferralLetter
from desktop_app.gui.widgets import hint, named


class ReferralDialog(QDialog):
    """The letter's addressee, reason and question (each required), and its author."""

    def __init__(
        self,
        letter: ReferralLetter,
        clinicians: list[Clinician],
        default: Clinician | None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Referral letter")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint("Suggested from this visit; change anything before the letter is written.")
        )
        form = QFormLayout()
        self.addressee = named(QLineEdit(letter.addressee), "Addressee of the letter")
        self.reason = named(QPlainTextEdit(letter.reason), "Reason for the referral")
        self.question = named(
            QPlainTextEdit(letter.question), "Question to the receiving clinician"
        )
        for box in (self.reason, self.question):
            box.setTabChangesFocus(True)
            box.setFixedHeight(70)
        self.author = named(QComboBox(), "Letter from")
        for clinician in clinicians:
            self.author.addItem(clinician.signature, clinician.id)
        if default is not None:
            self.author.setCurrentIndex(max(0, self.author.findData(default.id)))
        form.addRow("To *", self.addressee)
        form.addRow("Reason *", self.reason)
        form.addRow("Question *", self.question)
        if clinicians:
            form.addRow("From", self.author)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setObjectName("error")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Write letter…")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def letter(self) -> ReferralLetter:
        return ReferralLetter(
            self.addressee.text().strip(),
            self.reason.toPlainText().strip(),
            self.question.toPlainText().strip(),
        )

    def author_id(self) -> int | None:
        data = self.author.currentData()
        return int(data) if data is not None else None

    def _accept(self) -> None:
        letter = self.letter()
        if not (letter.addressee and letter.reason and letter.question):
            self.error.setText("Enter the addressee, the reason and the question.")
        else:
            self.accept()
