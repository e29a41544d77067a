"""Outcome measures of the knowledge base with a live score and the change since the last visit."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.knowledge import KnowledgeBase, Measure
from desktop_app.core.measure_suggestions import MeasureSuggestion
from desktop_app.core.measures import TOTAL, change, score
from desktop_app.core.records import MeasureResult
from desktop_app.gui.widgets import heading, hint, named

NOT_ANSWERED = -1  # the spin boxes' "—" value (measure items never go below 0)


def item_keys(measure: Measure) -> list[tuple[str, str, float, float]]:
    """(response key, label, min, max) of each entry the measure asks for."""
    if measure.scoring == "total_only":
        return [(TOTAL, "Total score from the paper form", measure.minimum, measure.maximum)]
    if measure.patient_specific:
        return [
            (f"activity_{n}", f"Activity {n} (0–10)", 0.0, 10.0)
            for n in range(1, measure.max_items + 1)
        ]
    return [(i.id, i.text, i.minimum, i.maximum) for i in measure.items]


class MeasureBox(QFrame):
    """One measure: a spin box per item, the score and the change since the previous visit."""

    responsesChanged = Signal(str, dict)

    def __init__(self, measure: Measure):
        super().__init__()
        self.setObjectName("promptRow")
        self.measure = measure
        self.previous: float | None = None
        layout = QGridLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(measure.name, level=2))
        self.suggestion = hint("")  # "Suggested for …" (show_suggestions)
        self.suggestion.setObjectName("suggestion")
        self.suggestion.hide()
        top.addWidget(self.suggestion, 1)
        layout.addLayout(top, 0, 0, 1, 2)
        if measure.instructions:
            layout.addWidget(hint(measure.instructions), 1, 0, 1, 2)
        self.spins: dict[str, QSpinBox] = {}
        for n, (key, label, low, high) in enumerate(item_keys(measure), start=2):
            text = QLabel(label)
            text.setWordWrap(True)
            spin = named(QSpinBox(), f"{measure.name}: {label}")
            spin.setRange(NOT_ANSWERED, int(high))
            spin.setSpecialValueText("—")
            spin.setValue(NOT_ANSWERED)
            spin.setMinimumWidth(80)
            spin.setProperty("low", int(low))
            spin.valueChanged.connect(self._edited)
            text.setBuddy(spin)
            layout.addWidget(text, n, 0)
            layout.addWidget(spin, n, 1)
            self.spins[key] = spin
        self.score_label = QLabel()
        self.score_label.setObjectName("score")
        layout.addWidget(self.score_label, len(self.spins) + 2, 0, 1, 2)
        layout.setColumnStretch(0, 1)
        self._silent = False

    def responses(self) -> dict[str, float]:
        return {
            k: float(s.value()) for k, s in self.spins.items() if s.value() >= s.property("low")
        }

    def _edited(self) -> None:
        if not self._silent:
            self.responsesChanged.emit(self.measure.id, self.responses())
            self.show_score()

    def show_result(self, result: MeasureResult | None, previous: float | None) -> None:
        self.previous = previous
        self._silent = True
        for key, spin in self.spins.items():
            value = result.responses.get(key) if result else None
            spin.setValue(NOT_ANSWERED if value is None else int(value))
        self._silent = False
        self.show_score()

    def show_score(self) -> None:
        current = score(self.measure, self.responses())
        if current.value is None:
            self.score_label.setText(
                f"Score: — ({current.answered} of {current.expected} answered)"
            )
            return
        text = (
            f"Score: <b>{current.value:g}</b> ({self.measure.minimum:g}–{self.measure.maximum:g})"
        )
        if self.previous is not None:
            moved = change(self.measure, self.previous, current.value)
            direction = "better" if moved.improved else ("worse" if moved.delta else "unchanged")
            text += f" · since last visit {moved.delta:+g} ({direction})"
            if moved.important:
                text += (
                    f" <span style='color:#1b7f3b'>✔ exceeds the MCID of "
                    f"{self.measure.mcid.value:g}</span>"
                )
        self.score_label.setText(text)


class MeasuresForm(QWidget):
    """All measures; emits `responsesChanged(measure_id, responses)`."""

    responsesChanged = Signal(str, dict)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.boxes: dict[str, MeasureBox] = {}
        for measure in kb.measures.values():
            box = MeasureBox(measure)
            box.responsesChanged.connect(self.responsesChanged)
            layout.addWidget(box)
            self.boxes[measure.id] = box
        layout.addStretch(1)

    def show_suggestions(self, suggestions: dict[str, MeasureSuggestion]) -> None:
        """ "Suggested for …" on each measure that suits the current differential."""
        for measure_id, box in self.boxes.items():
            found = suggestions.get(measure_id)
            box.suggestion.setText(found.label() if found else "")
            box.suggestion.setVisible(found is not None)

    def show_results(self, results: dict[str, MeasureResult], previous: dict[str, float]) -> None:
        for measure_id, box in self.boxes.items():
            box.show_result(results.get(measure_id), previous.get(measure_id))
