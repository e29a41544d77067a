"""One outcome measure's scores across visits: dates on the axis, rounded values, the MCID band.

The shaded band is the first score ± the measure's minimal clinically important difference: a
later point outside it has changed by at least the MCID since the first visit. Colours come from
the palette, so the chart reads under light and dark themes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.core.knowledge import Measure
from desktop_app.core.measures import format_score
from desktop_app.gui.widgets import local_date

LINE = QColor("#2f6db5")
CHART_MIN_WIDTH = 300
BAND = QColor(46, 160, 67, 48)  # translucent green: reads on light and dark backgrounds


# Text widths by (font key, text): a 2000-visit patient's dates are measured once for both
# charts and the table's date column, and again only in another font.
_WIDTHS: dict[tuple[str, str], int] = {}


def widest_text(metrics: QFontMetrics, font_key: str, texts: Iterable[str]) -> int:
    """The widest of texts in the font of metrics (font_key: its QFont.key())."""
    if len(_WIDTHS) > 50_000:
        _WIDTHS.clear()
    widest = 0
    for text in set(texts):
        width = _WIDTHS.get((font_key, text))
        if width is None:
            width = _WIDTHS[(font_key, text)] = metrics.horizontalAdvance(text)
        widest = max(widest, width)
    return widest


def caption(measure: Measure) -> str:
    better = "higher is better" if measure.higher_is_better else "lower is better"
    return f"{better}; shaded: within the MCID ({measure.mcid.value:g}) of the first score"


class TrendChart(QWidget):
    """A line chart of one measure's scores, oldest visit on the left."""

    def __init__(
        self,
        measure: Measure,
        points: list[tuple[dt.date, float]],
        date_text: Callable[[dt.date], str] = local_date,
    ):
        """`date_text` words a date (the patient page passes one that remembers each date it
        worded: a patient with 2000 visits has 2000 dates in the table and in each chart)."""
        super().__init__()
        self.measure = measure
        self.points = points
        self._dates = [date_text(d) for d, _ in points]
        self._scores = [format_score(v) for _, v in points]
        self._widest = ("", 0)  # (font key, widest date label in it)
        self._kept: tuple[tuple[object, ...], QPixmap] | None = None  # see _graphics
        self._placed: tuple[QRectF, list[QPointF]] | None = None  # the points in this area
        self.setMinimumSize(CHART_MIN_WIDTH, 230)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(f"{measure.name} across visits")
        self.setToolTip(
            f"{measure.name}: "
            + ", ".join(f"{d} {v}" for d, v in zip(self._dates, self._scores, strict=True))
            + f" ({caption(measure)})"
        )

    def sizeHint(self) -> QSize:
        return QSize(460, 250)

    def _y(self, area: QRectF, value: float) -> float:
        low, high = self.measure.minimum, self.measure.maximum
        return area.bottom() - (value - low) / ((high - low) or 1) * area.height()

    def _xy(self, area: QRectF) -> list[QPointF]:
        """Every point's position (oldest on the left; _y's arithmetic, inlined: 2000 per paint)."""
        low, high = self.measure.minimum, self.measure.maximum
        bottom, height, span = area.bottom(), area.height(), (high - low) or 1
        last = len(self.points) - 1
        if last == 0:
            xs = [area.center().x()]
        else:
            left, width = area.left(), area.width()
            xs = [left + width * n / last for n in range(last + 1)]
        return [
            QPointF(x, bottom - (v - low) / span * height)
            for x, (_, v) in zip(xs, self.points, strict=True)
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = self.palette().color(QPalette.ColorRole.WindowText)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        metrics = painter.fontMetrics()
        line = metrics.height()
        title_font = QFont(painter.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(ink)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
        title = QRectF(0, 0, self.width(), line * 2.2)
        used = painter.boundingRect(title, flags, self.measure.name)
        painter.drawText(title, flags, self.measure.name)
        painter.setFont(self.font())
        painter.setPen(muted)
        note = QRectF(0, used.bottom(), self.width(), line * 2.2)
        used_note = painter.boundingRect(note, flags, caption(self.measure))
        painter.drawText(note, flags, caption(self.measure))
        low, high = self.measure.minimum, self.measure.maximum
        left = metrics.horizontalAdvance(format_score(high)) + 6
        half_date = metrics.horizontalAdvance(local_date(dt.date(2000, 12, 28))) / 2 + 4
        area = QRectF(self.rect()).adjusted(
            max(left + 8, half_date), used_note.bottom() + line * 1.4, -half_date, -line * 1.8
        )
        if self._placed is None or self._placed[0] != area:
            self._placed = (QRectF(area), self._xy(area))
        xy = self._placed[1]
        painter.drawPixmap(0, 0, self._graphics(area, xy, muted))
        painter.setPen(QPen(muted, 1))
        for value in (low, (low + high) / 2, high):
            painter.drawText(
                QRectF(0, self._y(area, value) - line / 2, left, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                format_score(value),
            )
        self._labels(painter, area, xy, ink, muted, line)
        painter.end()

    def _graphics(self, area: QRectF, xy: list[QPointF], muted: QColor) -> QPixmap:
        """The band, the grid lines, the line and the dots (no text), kept as a pixmap for the
        chart's size and colours: a page shown is painted more than once, and at 2000 visits
        these are most of a paint. Text is drawn on the widget itself, as before."""
        ratio = self.devicePixelRatioF()
        key = (self.width(), self.height(), ratio, area.getRect(), muted.rgba())
        if self._kept is not None and self._kept[0] == key:
            return self._kept[1]
        pixmap = QPixmap(math.ceil(self.width() * ratio), math.ceil(self.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        low, high = self.measure.minimum, self.measure.maximum
        if self.points:
            first = self.points[0][1]
            band_low = max(low, first - self.measure.mcid.value)
            band_high = min(high, first + self.measure.mcid.value)
            top, bottom = self._y(area, band_high), self._y(area, band_low)
            painter.fillRect(QRectF(area.left(), top, area.width(), bottom - top), BAND)
        painter.setPen(QPen(muted, 1))
        for value in (low, (low + high) / 2, high):
            y = self._y(area, value)
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        painter.setPen(QPen(LINE, 2))
        # Segments, no joins to stroke: each point ends one and starts the next (point pairs).
        painter.drawLines([p for pair in pairwise(xy) for p in pair])
        # One call for every dot (a round pen point as wide as the 4 px circle and its 2 px line):
        # a patient with 2000 visits drew 2000 ellipses per paint.
        dot = QPen(LINE, 10)
        dot.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(dot)
        painter.drawPoints(QPolygonF(xy))
        painter.end()
        self._kept = (key, pixmap)
        return pixmap

    def _labels(
        self,
        painter: QPainter,
        area: QRectF,
        xy: list[QPointF],
        ink: QColor,
        muted: QColor,
        line: int,
    ) -> None:
        """Each score above its point and its date under the axis, as many as fit side by side."""
        metrics = painter.fontMetrics()
        key = painter.font().key()
        if self._widest[0] != key:  # every date measured once per font, not on every paint
            self._widest = (key, widest_text(metrics, key, self._dates))
        widest = self._widest[1]
        step = max(1, int((widest + 12) * len(xy) / max(area.width(), 1)) + 1)
        shown = [*range(0, len(xy), step)]
        if shown and shown[-1] != len(xy) - 1:
            shown.append(len(xy) - 1)  # as many labels as fit side by side, and the last
        for n in shown:
            point = xy[n]
            painter.setPen(ink)
            painter.drawText(
                QRectF(point.x() - 40, point.y() - line - 4, 80, line),
                Qt.AlignmentFlag.AlignCenter,
                self._scores[n],
            )
            painter.setPen(muted)
            painter.drawText(
                QRectF(point.x() - widest, area.bottom() + 4, widest * 2, line),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                self._dates[n],
            )
