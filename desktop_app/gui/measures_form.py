"""Outcome measures of the knowledge base with a live score and the change since the last visit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.knowledge import KnowledgeBase, Measure
from desktop_app.core.measure_suggestions import MeasureSuggestion
from desktop_app.core.measures import (
    MAX_LABEL,
    PREFILLED_FROM_HISTORY,
    TOTAL,
    change,
    change_words,
    format_score,
    item_key,
    prefill_from_history,
    score,
)
from desktop_app.core.records import MeasureResult
from desktop_app.gui.fields import NumberField
from desktop_app.gui.style import colour
from desktop_app.gui.widgets import DebouncedText, heading, hint, local_date, named


def item_keys(measure: Measure) -> list[tuple[str, str, float, float]]:
    """(response key, label, min, max) of each entry the measure asks for."""
    if measure.scoring == "total_only":
        return [(TOTAL, "Total score from the paper form", measure.minimum, measure.maximum)]
    if measure.patient_specific:
        return [
            (item_key(n), f"Activity {n} (0–10)", 0.0, 10.0)
            for n in range(1, measure.max_items + 1)
        ]
    return [(i.id, i.text, i.minimum, i.maximum) for i in measure.items]


class MeasureBox(QFrame):
    """One measure: a number field per item, the score and the change since the previous visit.

    The fields are the shared NumberField: a number outside the item's range is refused at the
    field ("Not saved: …") and the field shows the recorded value again.
    """

    responsesChanged = Signal(str, dict)
    labelsChanged = Signal(str, dict)  # a patient-specific measure's item names

    def __init__(self, measure: Measure):
        super().__init__()
        self.setObjectName("promptRow")
        self.measure = measure
        self.previous: tuple[dt.date, float] | None = None  # the last score before this visit
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
        self.fields: dict[str, NumberField] = {}
        self.names: dict[str, DebouncedText] = {}
        self.name_edits: dict[str, QLineEdit] = {}
        for n, (key, label, low, high) in enumerate(item_keys(measure), start=2):
            text: QWidget = QLabel(label)
            if measure.patient_specific:
                text = self._name_field(key, n - 1)
            else:
                text.setWordWrap(True)  # type: ignore[attr-defined]
            field = NumberField(
                f"{measure.name}: {label}", low, high, whole=True, what=label.split(" (")[0]
            )
            field.edited.connect(lambda _value: self._edited())
            if isinstance(text, QLabel):
                text.setBuddy(field.edit)
            layout.addWidget(text, n, 0)
            layout.addWidget(field, n, 1)
            self.fields[key] = field
        self.score_label = QLabel()
        self.score_label.setObjectName("score")
        self.score_label.setWordWrap(True)  # the change's words never cut off at the edge
        layout.addWidget(self.score_label, len(self.fields) + 2, 0, 1, 2)
        self.offered: dict[str, float] = {}
        self.use_history = named(
            QPushButton(), f"{measure.name}: fill in from the history", "Fills in the scale"
        )
        self.use_history.setAutoDefault(False)
        self.use_history.clicked.connect(self._take_offer)
        self.use_history.hide()
        layout.addWidget(self.use_history, len(self.fields) + 3, 0, 1, 2)
        layout.setColumnStretch(0, 1)
        layout.setColumnMinimumWidth(1, 180)  # room for a refusal message beside a narrow field

    def _name_field(self, key: str, n: int) -> QLineEdit:
        edit = named(QLineEdit(), f"{self.measure.name}: name of activity {n}")
        edit.setPlaceholderText(f"Activity {n}: name it (e.g. climbing stairs)")
        edit.setMaxLength(MAX_LABEL)
        names = DebouncedText(edit)
        names.committed.connect(self._names_edited)
        self.names[key] = names
        self.name_edits[key] = edit
        return edit

    def labels(self) -> dict[str, str]:
        return {key: edit.text() for key, edit in self.name_edits.items()}

    def _names_edited(self) -> None:
        self.labelsChanged.emit(self.measure.id, self.labels())
        self.show_score()

    def show_labels(self, labels: Mapping[str, str]) -> None:
        """Show the item names the record holds (no signal)."""
        for key, names in self.names.items():
            names.set_text(labels.get(key, ""))
        self.show_score()

    def flush(self) -> None:
        for names in self.names.values():
            names.flush()
        for field in self.fields.values():
            field.commit()

    def offer(self, offered: dict[str, float] | None, source: str) -> None:
        """Offer responses from the history (an explicit click fills them in), or none."""
        self.offered = offered or {}
        shown = ", ".join(format_score(v) for v in self.offered.values())
        self.use_history.setText(f"Use the history's answer: {source} {shown}")
        unchanged = self.offered == {k: v for k, v in self.responses().items() if k in self.offered}
        self.use_history.setVisible(bool(self.offered) and not unchanged)

    def _take_offer(self) -> None:
        for key, value in self.offered.items():
            self.fields[key].set_value(value)
        self.use_history.hide()
        self._edited()  # saved as if typed

    def responses(self) -> dict[str, float]:
        return {k: value for k, f in self.fields.items() if (value := f.value()) is not None}

    def _edited(self) -> None:
        self.responsesChanged.emit(self.measure.id, self.responses())
        self.show_score()

    def show_result(
        self, result: MeasureResult | None, previous: tuple[dt.date, float] | None
    ) -> None:
        self.previous = previous
        for key, field in self.fields.items():
            field.set_value(result.responses.get(key) if result else None)
        self.show_score()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.StyleChange and self.previous is not None:
            self.show_score()  # the change's colour is the theme's: a light/dark switch redraws it

    def show_score(self) -> None:
        current = score(self.measure, self.responses())
        if current.value is None:
            self.score_label.setText(
                f"Score: — ({current.answered} of {current.expected} answered)"
            )
            return
        text = (
            f"Score: <b>{format_score(current.value)}</b> "
            f"({self.measure.minimum:g}–{self.measure.maximum:g})"
        )
        named_keys = {key for key, label in self.labels().items() if label.strip()}
        unrated = named_keys - set(self.responses())
        if unrated:  # a PSFS mean over fewer activities than the patient named
            text += (
                f" · {len(named_keys) - len(unrated)} of {len(named_keys)} named activities rated"
            )
        if self.previous is not None:
            day, before = self.previous
            moved = change(self.measure, before, current.value)
            words = change_words(self.measure, moved)
            if moved.important:  # a worsening is a warning, never the colour of good news
                tone = colour("saved" if moved.improved else "warning")
                words = f"<span style='color:{tone}'><b>{words}</b></span>"
            text += f" · since the last score ({local_date(day)}): {words}"
        self.score_label.setText(text)


class MeasuresForm(QWidget):
    """All measures; emits `responsesChanged(measure_id, responses)`."""

    responsesChanged = Signal(str, dict)
    labelsChanged = Signal(str, dict)

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None):
        super().__init__(parent)
        self.kb = kb
        layout = QVBoxLayout(self)
        self.boxes: dict[str, MeasureBox] = {}
        for measure in kb.measures.values():
            box = MeasureBox(measure)
            box.responsesChanged.connect(self.responsesChanged)
            box.labelsChanged.connect(self.labelsChanged)
            layout.addWidget(box)
            self.boxes[measure.id] = box
        layout.addStretch(1)

    def show_suggestions(self, suggestions: dict[str, MeasureSuggestion]) -> None:
        """ "Suggested for …" on each measure that suits the current differential."""
        for measure_id, box in self.boxes.items():
            found = suggestions.get(measure_id)
            box.suggestion.setText(found.label() if found else "")
            box.suggestion.setVisible(found is not None)

    def show_results(
        self, results: dict[str, MeasureResult], previous: Mapping[str, tuple[dt.date, float]]
    ) -> None:
        for measure_id, box in self.boxes.items():
            box.show_result(results.get(measure_id), previous.get(measure_id))

    def show_labels(self, labels: Mapping[str, Mapping[str, str]]) -> None:
        for measure_id, box in self.boxes.items():
            box.show_labels(labels.get(measure_id, {}))

    def offer_history(self, answers: Mapping[str, object]) -> None:
        """Offer the responses history answers give (NPRS from the current pain)."""
        for box in self.boxes.values():
            offered = prefill_from_history(box.measure, answers)
            sources = [
                self.kb.prompts[p].question
                for (m, _), p in PREFILLED_FROM_HISTORY.items()
                if m == box.measure.id and p in self.kb.prompts
            ]
            box.offer(offered, ", ".join(sources))

    def flush(self) -> None:
        for box in self.boxes.values():
            box.flush()
