"""The ranked conditions, painted by one widget.

One widget that paints its rows costs a single repaint per change; a stack of word-wrapped labels
re-ran the whole panel's layout after each click and blew the 16 ms frame budget.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.core.diagnosis import AppliedFinding, ConditionResult

URGENCY_COLOURS = {"emergency": "#b00020", "urgent": "#c25e00"}
PAD = 8  # inside a row
GAP = 6  # between rows
BAR = 6  # height of the probability bar
WRAP = Qt.TextFlag.TextWordWrap


def _finding_lines(findings: tuple[AppliedFinding, ...], sign: str) -> list[str]:
    return [
        f"{sign} {f.statement} (×{f.lr:.2g}{', estimate' if f.estimate else ''})" for f in findings
    ]


def row_title(result: ConditionResult) -> str:
    badge = "" if result.urgency == "routine" else f"  [{result.urgency}]"
    return f"{result.posterior:.0%} · {result.name}{badge}"


def row_details(result: ConditionResult) -> str:
    lines = [f"Pre-test {result.prior:.0%}"]
    lines += _finding_lines(result.supporting, "+") + _finding_lines(result.opposing, "−")
    return "\n".join(lines)


class ConditionList(QWidget):
    """Rows of condition name and probability, bar, and findings for (+) and against (−)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.results: tuple[ConditionResult, ...] = ()
        self.shown = 0
        self._heights: list[int] = []
        self._measured_width = -1
        # Row heights by (width, leader, title, details): after a click most rows keep their
        # text (only their order and a few percentages change), so few are measured again.
        self._row_heights: dict[tuple[int, bool, str, str], int] = {}
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName("Ranked conditions")

    def set_results(self, results: tuple[ConditionResult, ...], shown: int) -> None:
        """Show the first `shown` results; repaint only when something changed."""
        shown = min(shown, len(results))
        if results[:shown] == self.results[: self.shown] and shown == self.shown:
            self.results = results
            return
        self.results, self.shown = results, shown
        self._measured_width = -1
        self.setAccessibleDescription("; ".join(row_title(r) for r in results[:shown]))
        self.updateGeometry()
        self.update()

    def row_text(self, n: int) -> str:
        """The text of row n as shown (tests and screen readers)."""
        return f"{row_title(self.results[n])}\n{row_details(self.results[n])}"

    # -- geometry ---------------------------------------------------------------------------
    def _fonts(self) -> tuple[QFont, QFont]:
        bold = QFont(self.font())
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.92))
        return bold, small

    def _measure(self, width: int) -> list[int]:
        if width != self._measured_width:
            if len(self._row_heights) > 200:  # other widths and old texts
                self._row_heights.clear()
            bold, small = self._fonts()
            inner = QRect(0, 0, max(width - 2 * PAD, 40), 10_000)
            title_metrics = (QFontMetrics(bold), QFontMetrics(self.font()))  # the leader is bold
            detail_metrics = QFontMetrics(small)
            heights = []
            for n, result in enumerate(self.results[: self.shown]):
                title, details = row_title(result), row_details(result)
                key = (width, n == 0, title, details)
                height = self._row_heights.get(key)
                if height is None:
                    height = (
                        PAD
                        + title_metrics[min(n, 1)].boundingRect(inner, WRAP, title).height()
                        + 4
                        + BAR
                        + 4
                        + detail_metrics.boundingRect(inner, WRAP, details).height()
                        + PAD
                    )
                    self._row_heights[key] = height
                heights.append(height)
            self._heights = heights
            self._measured_width = width
        return self._heights

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        heights = self._measure(width)
        return sum(heights) + GAP * max(0, len(heights) - 1)

    def sizeHint(self) -> QSize:
        return QSize(300, self.heightForWidth(max(self.width(), 300)))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.heightForWidth(max(self.width(), 200)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # wrapping changed: the height follows the width

    # -- painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bold, small = self._fonts()
        width = self.width()
        top = 0
        for n, (result, height) in enumerate(zip(self.results, self._measure(width), strict=False)):
            box = QRect(0, top, width, height)
            top += height + GAP
            if not box.intersects(event.rect()):
                continue
            painter.setPen(QColor("#e3e7ec"))
            painter.setBrush(QColor("white"))
            painter.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
            inner = box.adjusted(PAD, PAD, -PAD, -PAD)
            painter.setFont(bold if n == 0 else self.font())
            painter.setPen(QColor(URGENCY_COLOURS.get(result.urgency, "#1f2d3d")))
            title = painter.boundingRect(inner, WRAP, row_title(result))
            painter.drawText(inner, WRAP, row_title(result))
            bar = QRect(inner.left(), title.bottom() + 5, inner.width(), BAR)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#eef1f5"))
            painter.drawRoundedRect(bar, 3, 3)
            painter.setBrush(QColor("#4f8fd6"))
            painter.drawRoundedRect(
                QRect(bar.left(), bar.top(), round(bar.width() * result.posterior), BAR), 3, 3
            )
            painter.setFont(small)
            painter.setPen(QColor("#5b6673"))
            details = inner.adjusted(0, bar.bottom() + 4 - inner.top(), 0, 0)
            painter.drawText(details, WRAP, row_details(result))
        painter.end()
