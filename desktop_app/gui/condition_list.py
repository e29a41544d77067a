"""The ranked conditions, painted by one widget.

One widget that paints its rows costs a single repaint per change; a stack of word-wrapped labels
re-ran the whole panel's layout after each click and blew the 16 ms frame budget.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.core.diagnosis import AppliedFinding, ConditionResult, MustExclude
from desktop_app.core.probability import format_probability
from desktop_app.core.safety_wording import MUST_EXCLUDE_TITLE, level_words

URGENCY_COLOURS = {"emergency": "#b00020", "urgent": "#a34f00"}
TIER_FILLS = {"emergency": "#fde8e8", "urgent": "#fff4ce"}  # with dark text: any palette
INDENT = 18  # a nested diagnosis sits under its parent
STRIPE = 5  # the must-exclude tier's left edge
PAD = 8  # inside a row
GAP = 6  # between rows
BAR = 6  # height of the probability bar
WRAP = Qt.TextFlag.TextWordWrap


def _finding_lines(findings: tuple[AppliedFinding, ...], sign: str) -> list[str]:
    return [
        f"{sign} {f.statement} (×{f.lr:.2g}{', estimate' if f.estimate else ''})" for f in findings
    ]


def row_title(result: ConditionResult, tier: MustExclude | None = None) -> str:
    """Probability and name; a must-exclude row says so first, a child shows it refines."""
    badge = "" if result.urgency == "routine" else f"  [{result.urgency}]"
    lead = "↳ " if result.parent else ""
    if tier is not None:
        level = level_words(tier.urgency).short.upper()
        return f"{MUST_EXCLUDE_TITLE.upper()} ({level}) · {lead}{result.name}"
    if not result.specific:
        return f"{lead}{result.name} · no specific findings yet"
    return f"{format_probability(result.posterior)} · {lead}{result.name}{badge}"


def row_details(result: ConditionResult, tier: MustExclude | None = None) -> str:
    lines = []
    if tier is not None:
        lines.append(f"Rule: {tier.flag_name}. {tier.action}")
        lines.append(
            f"Estimated {format_probability(result.posterior)}; exclude it whatever the rank."
        )
    lines.append(f"Pre-test {format_probability(result.prior)}")
    lines += _finding_lines(result.supporting, "+") + _finding_lines(result.opposing, "−")
    return "\n".join(lines)


class ConditionList(QWidget):
    """Rows of condition name and probability, bar, and findings for (+) and against (−)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.results: tuple[ConditionResult, ...] = ()
        self.tiers: dict[str, MustExclude] = {}
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

    def set_results(
        self,
        results: tuple[ConditionResult, ...],
        shown: int,
        tiers: dict[str, MustExclude] | None = None,
    ) -> None:
        """Show the first `shown` results; repaint only when something changed.

        `tiers` holds the must-exclude entry of each condition in that tier (by condition ID).
        """
        tiers = tiers or {}
        shown = min(shown, len(results))
        same = results[:shown] == self.results[: self.shown] and shown == self.shown
        if same and tiers == self.tiers:
            self.results = results
            return
        self.results, self.shown, self.tiers = results, shown, tiers
        self._measured_width = -1
        self.setAccessibleDescription("; ".join(self._title(r) for r in results[:shown]))
        self.updateGeometry()
        self.update()

    def _title(self, result: ConditionResult) -> str:
        return row_title(result, self.tiers.get(result.condition_id))

    def _details(self, result: ConditionResult) -> str:
        return row_details(result, self.tiers.get(result.condition_id))

    def _indent(self, result: ConditionResult) -> int:
        return INDENT if result.parent else 0

    def row_text(self, n: int) -> str:
        """The text of row n as shown (tests and screen readers)."""
        return f"{self._title(self.results[n])}\n{self._details(self.results[n])}"

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
            title_metrics = (QFontMetrics(bold), QFontMetrics(self.font()))  # the leader is bold
            detail_metrics = QFontMetrics(small)
            heights = []
            for n, result in enumerate(self.results[: self.shown]):
                title, details = self._title(result), self._details(result)
                strong = n == 0 or result.condition_id in self.tiers
                key = (width - self._indent(result), strong, title, details)
                height = self._row_heights.get(key)
                if height is None:
                    inner = QRect(
                        0, 0, max(width - self._indent(result) - 2 * PAD - STRIPE, 40), 10_000
                    )
                    height = (
                        PAD
                        + title_metrics[0 if strong else 1]
                        .boundingRect(inner, WRAP, title)
                        .height()
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
            indent = self._indent(result)
            box = QRect(indent, top, width - indent, height)
            top += height + GAP
            if not box.intersects(event.rect()):
                continue
            tier = self.tiers.get(result.condition_id)
            colour = URGENCY_COLOURS.get(tier.urgency if tier else result.urgency, "#1f2d3d")
            painter.setPen(QColor(colour if tier else "#e3e7ec"))
            painter.setBrush(QColor(TIER_FILLS.get(tier.urgency, "white") if tier else "white"))
            painter.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
            if tier is not None:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(colour))
                painter.drawRect(QRect(box.left(), box.top(), STRIPE, box.height()))
            inner = box.adjusted(PAD + STRIPE, PAD, -PAD, -PAD)
            painter.setFont(bold if n == 0 or tier is not None else self.font())
            painter.setPen(QColor(colour))
            title = painter.boundingRect(inner, WRAP, self._title(result))
            painter.drawText(inner, WRAP, self._title(result))
            bar = QRect(inner.left(), title.bottom() + 5, inner.width(), BAR)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#eef1f5"))
            painter.drawRoundedRect(bar, 3, 3)
            painter.setBrush(QColor("#4f8fd6" if result.specific or tier else "#b8c4d1"))
            painter.drawRoundedRect(
                QRect(bar.left(), bar.top(), round(bar.width() * result.posterior), BAR), 3, 3
            )
            painter.setFont(small)
            painter.setPen(QColor("#5b6673"))
            details = inner.adjusted(0, bar.bottom() + 4 - inner.top(), 0, 0)
            painter.drawText(details, WRAP, self._details(result))
        painter.end()
