"""Clickable body chart: posterior, lateral and anterior views; marks feed the differential.

The drawing, its regions, palette and fill rule are core.body_chart's model, which the PDF draws
too; this module only renders it (QSvgRenderer) and turns clicks into marks.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app import paths
from desktop_app.core import body_chart as chart
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import SIDES, Mark, RegionDetail
from desktop_app.gui.widgets import hint, named

NUMBER_PIXELS = 11  # region numbers: legible at 100 %, and chips that do not touch
NUMBER_INK = "#1f3447"
CARD = "#fbfaf8"


class ChartView(QWidget):
    """One view of the model. Emits `regionClicked(region, side)`."""

    regionClicked = Signal(str, str)

    def __init__(self, view: chart.View, regions: set[str]):
        super().__init__()
        self.view = view
        self.shapes = {shape.id: shape for shape in view.regions(regions)}
        self.element_ids = list(self.shapes)
        self.renderer = QSvgRenderer(self)
        self.fills: dict[str, str] = {}
        self._dots: dict[str, tuple[str, ...]] = {}
        self.numbers: dict[str, int] = {}  # element id -> the region's number in the legend
        self._reload()
        self.setMinimumSize(QSize(200, 340))
        self.setMouseTracking(True)
        self._hover = ""

    def _reload(self) -> None:
        svg = self.view.svg(self.fills, self._dots, region_labels=not self.numbers)
        self.renderer.load(QByteArray(svg))
        self.update()

    def number_regions(self, numbers: Mapping[str, int]) -> None:
        """Number each region once (core.body_chart: the same shapes and numbers as on paper)."""
        self.numbers = {e: n for e, n in self.view.numbered(numbers).items() if e in self.shapes}
        self._reload()

    def number_chips(self) -> dict[str, QRectF]:
        """Where each region's number is drawn (widget coordinates): a chip on its centre."""
        metrics = QFontMetricsF(self._number_font())
        chips: dict[str, QRectF] = {}
        for element, number in self.numbers.items():
            centre = self.centre_of(element)
            width = max(metrics.horizontalAdvance(str(number)) + 6, metrics.height())
            height = metrics.height()
            chip = QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height)
            # Two regions close together (groin and trochanter from the side): the later chip
            # moves just below, above or beside the shape instead of touching the other.
            for dx, dy in ((0, 0), (0, height + 2), (0, -height - 2), (width + 2, 0)):
                moved = chip.translated(dx, dy)
                if not any(moved.adjusted(-1, -1, 1, 1).intersects(c) for c in chips.values()):
                    chip = moved
                    break
            chips[element] = chip
        return chips

    def _number_font(self) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(NUMBER_PIXELS)
        font.setBold(True)
        return font

    def show_fills(self, fills: dict[str, str], dots: dict[str, tuple[str, ...]]) -> None:
        """Fill the given element ids (the model's fill rule); others keep their plain fill."""
        if (fills, dots) != (self.fills, self._dots):
            self.fills, self._dots = dict(fills), dict(dots)
            self._reload()

    def _viewport(self) -> QRectF:
        """Where the drawing sits in the widget, aspect ratio kept."""
        size = self.renderer.defaultSize()
        scale = min(self.width() / size.width(), self.height() / size.height())
        w, h = size.width() * scale, size.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def to_document(self, pos: QPointF) -> QPointF:
        box = self._viewport()
        view = self.renderer.viewBoxF()
        return QPointF(
            view.x() + (pos.x() - box.x()) * view.width() / box.width(),
            view.y() + (pos.y() - box.y()) * view.height() / box.height(),
        )

    def to_widget(self, point: QPointF) -> QPointF:
        box = self._viewport()
        view = self.renderer.viewBoxF()
        return QPointF(
            box.x() + (point.x() - view.x()) * box.width() / view.width(),
            box.y() + (point.y() - view.y()) * box.height() / view.height(),
        )

    def element_at(self, pos: QPointF) -> str:
        """The clickable element under a widget position ("" if none): bounds, then pixels."""
        point = self.to_document(pos)
        hits = [(e, self.renderer.boundsOnElement(e)) for e in self.element_ids]
        hits = [(e, b) for e, b in hits if b.contains(point)]
        hits.sort(key=lambda h: h[1].width() * h[1].height())  # smallest (topmost) first
        probe = QImage(1, 1, QImage.Format.Format_ARGB32)
        for element, bounds in hits:
            probe.fill(Qt.GlobalColor.transparent)
            painter = QPainter(probe)
            painter.translate(-point.x(), -point.y())
            self.renderer.render(painter, element, bounds)
            painter.end()
            if QColor(probe.pixel(0, 0)).alpha() > 0:
                return element
        return ""

    def centre_of(self, element: str) -> QPointF:
        """Widget position of an element's centre (used by keyboard users' tests and tooltips)."""
        return self.to_widget(self.renderer.boundsOnElement(element).center())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # The drawing is a light illustration with dark captions: on its own light card it reads
        # the same under a dark system palette (the captions were dark grey on dark grey).
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(CARD))
        painter.drawRoundedRect(self._viewport(), 6, 6)
        self.renderer.render(painter, self._viewport())
        if self._hover:
            bounds = self.renderer.boundsOnElement(self._hover)
            top_left = self.to_widget(bounds.topLeft())
            bottom_right = self.to_widget(bounds.bottomRight())
            painter.setPen(QColor("#1f4e79"))
            painter.drawRect(QRectF(top_left, bottom_right))
        painter.setFont(self._number_font())
        for element, chip in self.number_chips().items():
            painter.setPen(QColor(NUMBER_INK))
            painter.setBrush(QColor(255, 255, 255, 225))  # the drawing is light in any theme
            painter.drawRoundedRect(chip, chip.height() / 2, chip.height() / 2)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, str(self.numbers[element]))
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        element = self.element_at(event.position())
        if element != self._hover:
            self._hover = element
            self.setCursor(
                Qt.CursorShape.PointingHandCursor if element else Qt.CursorShape.ArrowCursor
            )
            self.setToolTip(self.shapes[element].title if element else "")
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            element = self.element_at(event.position())
            if element:
                region, _, side = element.rpartition("-")
                self.regionClicked.emit(region, side)


class BodyChartPanel(QWidget):
    """Symptom chooser, the three views, the chosen region's intensity and quality, and a list of
    marks. Emits `markToggled(mark, present)` and `detailChanged(region, side, intensity,
    qualities)`.

    A click marks the region with the chosen symptom, or selects it when it is marked already
    (in whichever view it was marked): a click never removes a mark; Remove does.
    """

    markToggled = Signal(object, bool)
    detailChanged = Signal(str, str, object, object)  # region, side, int | None, tuple[str, ...]

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None):
        super().__init__(parent)
        self.kb = kb
        self.marks: set[Mark] = set()
        self.regions: dict[tuple[str, str], RegionDetail] = {}
        self.selected: tuple[str, str] | None = None
        self.editable = True
        self.region_names = {r.id: r.name for r in kb.body_chart.regions}
        self.colours = chart.symptom_colours(kb.body_chart)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint(
                "Choose a symptom, then click the region on any view. Click a marked region to "
                "rate its intensity and quality; Remove takes the chosen symptom's mark away."
            )
        )
        chooser = QHBoxLayout()
        self.symptom_group = QButtonGroup(self)
        for n, symptom in enumerate(kb.body_chart.symptoms):
            button = named(QRadioButton(symptom.label), f"Symptom to mark: {symptom.label}")
            button.setStyleSheet(
                f"QRadioButton {{ color: {self.colours[symptom.id]}; font-weight: 600; }}"
            )
            button.setProperty("symptom", symptom.id)
            button.setChecked(n == 0)
            self.symptom_group.addButton(button)
            chooser.addWidget(button)
        chooser.addStretch(1)
        layout.addLayout(chooser)
        views = QHBoxLayout()
        regions = set(self.region_names)
        self.views = {
            v: ChartView(chart.load_view(paths.BODY_CHART, v), regions) for v in chart.VIEWS
        }
        numbers = chart.region_numbers(kb.body_chart)
        for view in self.views.values():
            view.number_regions(numbers)
            view.regionClicked.connect(self._clicked)
            views.addWidget(view, 1)
        layout.addLayout(views, 1)
        self.legend = named(
            hint(
                " · ".join(f"<b>{n}</b> {escape(self.region_names[r])}" for r, n in numbers.items())
            ),
            "Region numbers on the drawing",
        )
        layout.addWidget(self.legend)
        self._loading = False  # while the detail row shows stored values, not the user's edits
        layout.addLayout(self._detail_row())
        # Keyboard alternative to clicking the drawing.
        keys = QHBoxLayout()
        self.region_box = named(QComboBox(), "Region to mark")
        for region in kb.body_chart.regions:
            self.region_box.addItem(region.name, region.id)
        self.side_box = named(QComboBox(), "Side to mark")
        for side in (*SIDES, "both"):
            self.side_box.addItem(side.capitalize(), side)
        self.toggle_button = named(QPushButton("Mark / unmark"), "Mark or unmark the chosen region")
        self.toggle_button.setAutoDefault(False)
        self.toggle_button.clicked.connect(
            lambda: self._toggle(
                str(self.region_box.currentData()), str(self.side_box.currentData())
            )
        )
        for widget in (
            QLabel("Or by keyboard:"),
            self.region_box,
            self.side_box,
            self.toggle_button,
        ):
            keys.addWidget(widget)
        keys.addStretch(1)
        layout.addLayout(keys)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

    def _detail_row(self) -> QVBoxLayout:
        """The selected region: its intensity (0-10, or not rated) and Remove, then its
        qualities on a line of their own (the panel stays narrow)."""
        rows = QVBoxLayout()
        row = QHBoxLayout()
        qualities = QHBoxLayout()
        rows.addLayout(row)
        rows.addLayout(qualities)
        self.selected_label = QLabel("Select a marked region to rate it.")
        self.selected_label.setWordWrap(True)  # a long region name must not widen the panel
        self.intensity = named(QSpinBox(), "Intensity of the selected region, 0 to 10")
        self.intensity.setRange(-1, chart.INTENSITY_MAX)
        self.intensity.setSpecialValueText("not rated")
        self.intensity.setValue(-1)
        self.intensity.valueChanged.connect(lambda _v: self._detail_edited())
        row.addWidget(self.selected_label)
        row.addWidget(QLabel("Intensity"))
        row.addWidget(self.intensity)
        self.quality_boxes: dict[str, QCheckBox] = {}
        for quality in self.kb.body_chart.qualities:
            box = named(QCheckBox(quality.label), f"Quality: {quality.label}")
            box.toggled.connect(lambda _on: self._detail_edited())
            self.quality_boxes[quality.id] = box
            qualities.addWidget(box)
        self.remove_button = named(
            QPushButton("Remove"), "Remove the chosen symptom's mark from the selected region"
        )
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self._remove)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        qualities.addStretch(1)
        self._show_selection()
        return rows

    def symptom(self) -> str:
        button = self.symptom_group.checkedButton()
        return str(button.property("symptom")) if button is not None else ""

    def _clicked(self, region: str, side: str) -> None:
        if side not in SIDES or not self.editable:
            return
        mark = Mark(region, self.symptom(), side)
        self.selected = (region, side)
        if mark not in self.marks:
            self.markToggled.emit(mark, True)
        self._show_selection()

    def _toggle(self, region: str, side: str) -> None:
        if not self.editable:
            return
        mark = Mark(region, self.symptom(), side)
        self.selected = (region, side)
        self.markToggled.emit(mark, mark not in self.marks)

    def _remove(self) -> None:
        if self.selected is not None and self.editable:
            mark = Mark(self.selected[0], self.symptom(), self.selected[1])
            if mark in self.marks:
                self.markToggled.emit(mark, False)

    def _marked(self, place: tuple[str, str] | None) -> bool:
        return place is not None and any((m.region, m.side) == place for m in self.marks)

    def _detail_edited(self) -> None:
        if self._loading or not self.editable or not self._marked(self.selected):
            return
        assert self.selected is not None
        value = self.intensity.value()
        qualities = tuple(q for q, box in self.quality_boxes.items() if box.isChecked())
        self.detailChanged.emit(
            self.selected[0], self.selected[1], None if value < 0 else value, qualities
        )

    def _show_selection(self) -> None:
        """The detail row shows the selected region's stored intensity and qualities."""
        marked = self._marked(self.selected)
        detail = self.regions.get(self.selected) if self.selected else None
        self._loading = True
        try:
            self.intensity.setValue(
                -1 if detail is None or detail.intensity is None else detail.intensity
            )
            for quality, box in self.quality_boxes.items():
                box.setChecked(detail is not None and quality in detail.qualities)
        finally:
            self._loading = False
        for widget in (self.intensity, self.remove_button, *self.quality_boxes.values()):
            widget.setEnabled(marked and self.editable)
        if marked and self.selected is not None:
            region, side = self.selected
            self.selected_label.setText(
                f"<b>{escape(self.region_names.get(region, region))} ({side})</b>"
            )
        else:
            self.selected_label.setText("Select a marked region to rate it.")

    def show_marks(
        self,
        marks: tuple[Mark, ...],
        regions: Mapping[tuple[str, str], RegionDetail] | None = None,
    ) -> None:
        """Colour marked regions by the model's fill rule (as the PDF does) in every view."""
        self.marks = set(marks)
        self.regions = dict(regions or {})
        fills = chart.fills(self.kb.body_chart, self.marks)
        dots = chart.dots(self.kb.body_chart, self.marks)
        for view in self.views.values():
            view.show_fills(
                {e: c for e, c in fills.items() if e in view.shapes},
                {e: c for e, c in dots.items() if e in view.shapes},
            )
        labels = {s.id: s.label for s in self.kb.body_chart.symptoms}
        lines = []
        for m in sorted(self.marks):
            rated = chart.detail_text(self.kb.body_chart, self.regions.get((m.region, m.side)))
            lines.append(
                f"{labels.get(m.symptom, m.symptom)}: {self.region_names.get(m.region, m.region)}"
                f" ({m.side})" + (f" — {rated}" if rated else "")
            )
        self.summary.setText("Marked: " + "; ".join(lines) if lines else "No marks yet.")
        self._show_selection()
