"""Body chart at a visit: one mark per region whichever view is clicked, and each marked region's
intensity and quality typed by the user and saved."""

from __future__ import annotations

from html import escape

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QPalette
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Mark, RegionDetail
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_editor import TABS
from tests.gui.flows import create_patient, start_visit

PLACE = ("upper_outer_buttock", "left")  # drawn in the posterior and the lateral view


def _click(qtbot: QtBot, window: MainWindow, view: str, element: str) -> None:
    chart = window.editor.chart.views[view]
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.centre_of(element).toPoint())


def test_one_mark_per_region_and_its_intensity_and_quality_are_saved(
    qtbot: QtBot, window: MainWindow
) -> None:
    create_patient(window, "Ines Duarte", QDate(1979, 3, 9))
    start_visit(window, ["buttock_pain"])
    editor = window.editor
    editor.tabs.setCurrentIndex(TABS.index("Body chart"))
    visit_id = editor.visit.id
    repo = window.ops.repo
    element = "-".join(PLACE)

    _click(qtbot, window, "posterior", element)
    _click(qtbot, window, "lateral", element)  # the same region seen from the side
    mark = Mark(*PLACE[:1], "pain", PLACE[1])
    assert repo.get_visit(visit_id).observations.marks == (mark,)  # not erased by the 2nd view
    colour = editor.chart.colours["pain"]
    assert all(editor.chart.views[v].fills == {element: colour} for v in ("posterior", "lateral"))

    panel = editor.chart
    panel.intensity.selectAll()
    qtbot.keyClicks(panel.intensity, "7")
    qtbot.mouseClick(panel.quality_boxes["burning"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.quality_boxes["pins_and_needles"], Qt.MouseButton.LeftButton)
    stored = repo.get_visit(visit_id).observations.regions
    assert stored == {PLACE: RegionDetail(7, ("burning", "pins_and_needles"))}
    assert "7/10, burning, pins and needles" in panel.summary.text()

    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    after = repo.get_visit(visit_id).observations
    assert after.marks == () and after.regions == {}  # the details go with the last mark


@pytest.mark.parametrize("size", [(1366, 768), (910, 512)])  # 100 % and 150 % of a laptop
def test_every_region_is_numbered_legibly_and_named_in_the_legend(
    qtbot: QtBot, window: MainWindow, kb: KnowledgeBase, size: tuple[int, int]
) -> None:
    """The names written on the drawing were 4 px high and two touched on the side view: each
    region now carries its number (11 px, bold) and the legend below names it."""
    create_patient(window, "Ines Duarte", QDate(1979, 3, 9))
    start_visit(window, ["buttock_pain"])
    window.resize(*size)
    editor = window.editor
    editor.tabs.setCurrentIndex(TABS.index("Body chart"))
    qtbot.waitUntil(lambda: editor.chart.views["posterior"].isVisible())
    views = editor.chart.views
    assert {"posterior", "lateral", "anterior"} <= set(views)
    assert "anterior_thigh-left" in views["anterior"].element_ids
    numbers = {r.id: n for n, r in enumerate(kb.body_chart.regions, start=1)}
    numbered = set()
    for view in views.values():
        regions = {view.shapes[e].region for e in view.element_ids}
        shown = {view.shapes[e].region: n for e, n in view.numbers.items()}
        assert shown == {r: numbers[r] for r in regions}, view.view.name  # each once, same number
        numbered |= regions
        chips = list(view.number_chips().values())
        for n, chip in enumerate(chips):
            assert view.rect().contains(chip.toRect()), view.view.name
            assert not any(chip.intersects(other) for other in chips[n + 1 :]), view.view.name
        assert b"Trochanter" not in view.view.svg({}, {}, region_labels=False)
    assert numbered == set(numbers)
    legend = editor.chart.legend.text()
    for region in kb.body_chart.regions:
        assert f"<b>{numbers[region.id]}</b> {escape(region.name)}" in legend


def test_the_drawing_and_its_captions_read_under_a_dark_palette(window: MainWindow) -> None:
    """The captions are dark grey: the drawing sits on its own light card in any theme."""
    create_patient(window, "Ines Duarte", QDate(1979, 3, 9))
    start_visit(window, ["buttock_pain"])
    view = window.editor.chart.views["posterior"]
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    view.setPalette(dark)
    view.setAutoFillBackground(True)
    view.resize(240, 420)
    image = view.grab().toImage()
    box = view._viewport()
    inside = image.pixelColor(int(box.left()) + 8, int(box.bottom()) - 4)  # by the caption
    outside = image.pixelColor(1, 1) if box.left() > 2 else image.pixelColor(1, int(box.top()) - 2)
    assert inside.lightness() > 230 and outside.lightness() < 60, (inside.name(), outside.name())
