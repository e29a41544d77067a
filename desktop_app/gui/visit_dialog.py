"""The new-visit dialog: visit type and presenting complaint(s)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.records import VISIT_TYPES
from desktop_app.core.wording import visit_type_name
from desktop_app.gui.dialogs import REQUIRED, dialog_buttons, error_label
from desktop_app.gui.widgets import named


class VisitDialog(QDialog):
    """New visit: its type and presenting complaint(s) (at least one)."""

    def __init__(self, kb: KnowledgeBase, first_visit: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New visit")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.visit_type = named(QComboBox(), "Visit type")
        for visit_type in VISIT_TYPES:
            self.visit_type.addItem(visit_type_name(visit_type), visit_type)
        self.visit_type.setCurrentIndex(0 if first_visit else 1)
        form.addRow("Visit type", self.visit_type)
        layout.addLayout(form)
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

    def _accept(self) -> None:
        if not self.chosen():
            self.error.setText("Choose at least one presenting complaint.")
        else:
            self.accept()

    def chosen(self) -> list[str]:
        return [pid for pid, box in self.presentations.items() if box.isChecked()]

    def values(self) -> tuple[str, list[str]]:
        """(visit type, presentations)."""
        return str(self.visit_type.currentData()), self.chosen()
