"""Form rows made once and re-arranged when the presenting complaints change (issue 17).

Building a form's rows again on every complaint change froze the window for up to a second;
moving rows that already exist costs a layout pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QBoxLayout, QWidget

from desktop_app.gui.widgets import focusables, heading

T = TypeVar("T")


def hint_at_own_width(widget: QWidget) -> QSize:
    """A form's or row's size hint without the height at the hint's width (its `sizeHint`).

    Qt's default hint of a widget whose layout wraps asks that layout for its height at the
    hint's width; the layout pass then asks at the real width, and Qt's box and grid layouts
    remember one width only. So every row of a form was laid out twice on every relayout (a
    follow-up question shown, a complaint changed). The heights that are used come from
    heightForWidth at the real width; the hint's height only bounds the scroll area's minimum.
    """
    layout = widget.layout()
    return layout.sizeHint() if layout is not None else QSize()


def least_width_only(widget: QWidget) -> QSize:
    """A scrolled form's minimum size: its layout's minimum width and no minimum height.

    A scroll area that resizes its form makes it as tall as its heightForWidth at the viewport's
    width, but never less than the form's minimum height: the sum of its rows' minimum heights.
    A row that is never squeezed (Fixed vertically) has its hint's height as its minimum, and
    that hint is taken at the hint's narrow width, where the text wraps into many lines: the
    History form was 20,598 px tall for 10,191 px of rows at 1400x900 (review R5).
    """
    layout = widget.layout()
    return QSize(layout.minimumSize().width(), 0) if layout is not None else QSize()


def grow_to_fit(form: QWidget) -> None:
    """Make a scrolled form as tall as its rows need before its layout lays them out.

    Call it after showing or hiding rows with the layout switched off. The layout pass runs at
    the form's current height and the scroll area resizes the form only afterwards: when a
    follow-up question appeared, that pass squeezed every row below it and the next one gave
    the height back (two resizes per row). The summed narrow hints had hidden this under
    thousands of pixels of blank form (`least_width_only`). The scroll area then sets the height
    it wants, the same one at the same width.
    """
    if not form.isVisible():  # laid out when shown; its height then is worked out anyway
        return
    width = form.width()
    needed = form.heightForWidth(width)
    if needed > form.height():
        form.resize(width, needed)


class KeptRows:
    """The rows of a box layout after its first item (the form's hint), then a stretch."""

    def __init__(self, layout: QBoxLayout) -> None:
        self.layout = layout
        self._shown: list[QWidget] = []
        self._left_out: set[QWidget] = set()  # hidden because their complaint is not chosen
        self._stops: dict[QWidget, list[QWidget]] = {}  # each row's Tab stops (rows are kept)
        self._headings: dict[str, QWidget] = {}  # one per group, made once

    def arrange_grouped(
        self,
        entries: Iterable[T],
        group: Callable[[T], str],
        row: Callable[[T], QWidget],
        made: Iterable[QWidget],
    ) -> None:
        """One heading per group, in first-seen order (two complaints' lists interleave their
        groups), each followed by its entries' rows; the other ``made`` rows are hidden."""
        by_group: dict[str, list[T]] = {}
        for entry in entries:
            by_group.setdefault(group(entry), []).append(entry)
        widgets: list[QWidget] = []
        for name, members in by_group.items():
            if name not in self._headings:
                self._headings[name] = heading(name, level=2)
            widgets.append(self._headings[name])
            widgets += [row(member) for member in members]
        self.arrange(widgets, [*self._headings.values(), *made])

    def arrange(self, widgets: list[QWidget], made: Iterable[QWidget]) -> None:
        """Lay out ``widgets`` in order and hide the other ``made`` ones (kept for later).

        Each widget is raised in turn, so the order of the form's children, which Tab and
        `focusables` follow, is the order on screen, as it was when the rows were built anew.
        """
        if widgets == self._shown:
            return
        # Showing a child of a shown form lays the form out at once: with the layout switched
        # off, the rows are shown and hidden in one layout pass instead of one pass per row.
        self.layout.setEnabled(False)
        if not self._moved_in_place(widgets):
            while self.layout.count() > 1:
                self.layout.takeAt(1)  # the widget stays a child of the form
            for widget in widgets:
                self.layout.addWidget(widget)
                widget.raise_()
            self.layout.addStretch(1)
        for widget in widgets:
            if widget in self._left_out:  # the show-when rules hide it again if they must
                self._left_out.discard(widget)
                widget.setVisible(True)
        chosen = set(widgets)
        for widget in made:
            if widget not in chosen and widget not in self._left_out:
                self._left_out.add(widget)
                widget.setVisible(False)
        self._shown = list(widgets)
        self.layout.setEnabled(True)
        self.layout.invalidate()
        if (form := self.layout.parentWidget()) is not None:
            grow_to_fit(form)  # the rows kept move without being squeezed first

    def _moved_in_place(self, widgets: list[QWidget]) -> bool:
        """Take out and put in only the rows that change (a complaint added or removed), when
        the rows kept stay in the same order; False (nothing done) when they do not."""
        new, old = set(widgets), set(self._shown)
        if not old or [w for w in self._shown if w in new] != [w for w in widgets if w in old]:
            return False
        for widget in self._shown:
            if widget not in new:
                self.layout.removeWidget(widget)
        for index, widget in enumerate(widgets):
            if widget not in old:
                self.layout.insertWidget(1 + index, widget)  # after the form's hint
        for index in range(len(widgets) - 1, -1, -1):  # the children's order is the screen's
            if widgets[index] not in old:
                if index + 1 < len(widgets):
                    widgets[index].stackUnder(widgets[index + 1])
                else:
                    widgets[index].raise_()
        return True

    def focusables(self) -> list[QWidget]:
        """The Tab stops of the rows laid out, in order: each row's are looked up once, since
        searching every row made so far on each complaint change cost tens of ms."""
        found: list[QWidget] = []
        for widget in self._shown:
            if widget not in self._stops:
                self._stops[widget] = focusables(widget)
            found += self._stops[widget]
        return found
