"""The new-visit dialog: visit type, date and presenting complaint(s).

A follow-up, re-assessment or discharge starts from the previous visit (storage start_visit):
its complaint is ticked here, and the dialog says what else comes with it.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dates import PartialDate
from desktop_app.core.follow_up import CONTINUING_TYPES
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import VISIT_TYPES, Visit
from desktop_app.core.wording import visit_type_name
from desktop_app.gui.dialogs import REQUIRED, dialog_buttons, error_label
from desktop_app.gui.fields import DateField
from desktop_app.gui.widgets import hint, local_date, named


class VisitDialog(QDialog):
    """New visit: its type, its date (today or earlier) and presenting complaint(s)."""

    def __init__(
        self, kb: KnowledgeBase, previous: Visit | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New visit")
        self.previous = previous
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.visit_type = named(QComboBox(), "Visit type")
        for visit_type in VISIT_TYPES:
            self.visit_type.addItem(visit_type_name(visit_type), visit_type)
        self.visit_type.setCurrentIndex(VISIT_TYPES.index("follow_up" if previous else "initial"))
        form.addRow("Visit type", self.visit_type)
        # Typed in the locale's order or picked from a calendar at today; no future date.
        self.visit_date = DateField("Visit date (today or earlier)", what="visit date")
        today = dt.date.today()
        self.visit_date.set_value(PartialDate(today.year, today.month, today.day))
        form.addRow("Visit date", self.visit_date)
        layout.addLayout(form)
        self.carried = hint("")
        layout.addWidget(self.carried)
        layout.addWidget(QLabel("Presenting complaint (one or more)" + REQUIRED))
        self.presentations: dict[str, QCheckBox] = {}
        for presentation in kb.presentations.values():
            box = named(QCheckBox(presentation.name), presentation.name)
            box.setToolTip(presentation.description)
            layout.addWidget(box)
            self.presentations[presentation.id] = box
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = dialog_buttons(self, "Start visit")
        buttons.accepted.connect(self._accept)
        layout.addWidget(buttons)
        self.visit_type.currentIndexChanged.connect(self._type_changed)
        self._type_changed()

    def _continues(self) -> bool:
        return self.previous is not None and self.visit_type.currentData() in CONTINUING_TYPES

    def _type_changed(self) -> None:
        """A continuing visit ticks the last complaint and says what comes with it."""
        if self._continues():
            assert self.previous is not None
            for pid, box in self.presentations.items():
                box.setChecked(pid in self.previous.observations.presentations)
            self.carried.setText(
                f"Starts from the visit of {local_date(self.previous.visit_date)}: its presenting "
                "complaint, PSFS activities and body chart are carried forward; its positive "
                "findings are listed for re-test under “Since last visit”."
            )
        else:
            self.carried.setText("An initial assessment starts empty." if self.previous else "")
        self.carried.setVisible(bool(self.carried.text()))

    def _accept(self) -> None:
        typed = self.visit_date.commit()  # Enter in another field: read the date typed
        if not typed or self.visit_date.day() is None:
            self.error.setText("Enter the visit date: today or an earlier day.")
            self.visit_date.setFocus()
        elif not self.chosen():
            self.error.setText("Choose at least one presenting complaint.")
        else:
            self.accept()

    def chosen(self) -> list[str]:
        return [pid for pid, box in self.presentations.items() if box.isChecked()]

    def day(self) -> dt.date:
        return self.visit_date.day() or dt.date.today()

    def values(self) -> tuple[str, list[str]]:
        """(visit type, presentations); the date is day()."""
        return str(self.visit_type.currentData()), self.chosen()


class VisitDateDialog(QDialog):
    """A draft's date, typed or picked (today or earlier, as at the visit's start)."""

    def __init__(self, visit: Visit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Visit date")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.visit_date = DateField("Visit date (today or earlier)", what="visit date")
        day = visit.visit_date
        self.visit_date.set_value(PartialDate(day.year, day.month, day.day))
        form.addRow("Visit date", self.visit_date)
        layout.addLayout(form)
        layout.addWidget(hint("The change is recorded in the audit log."))
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = dialog_buttons(self, "Save date")
        buttons.accepted.connect(self._accept)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        typed = self.visit_date.commit()
        if not typed or self.visit_date.day() is None:
            self.error.setText("Enter the visit date: today or an earlier day.")
            self.visit_date.setFocus()
        else:
            self.accept()

    def day(self) -> dt.date | None:
        return self.visit_date.day()
