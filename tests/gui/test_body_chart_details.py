"""Body chart at a visit: one mark per region whichever view is clicked, and each marked region's
intensity and quality typed by the user and saved."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

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


def test_an_anterior_view_is_drawn_with_labelled_regions(window: MainWindow) -> None:
    create_patient(window, "Ines Duarte", QDate(1979, 3, 9))
    start_visit(window, ["buttock_pain"])
    views = window.editor.chart.views
    assert {"posterior", "lateral", "anterior"} <= set(views)
    assert "anterior_thigh-left" in views["anterior"].element_ids
    for view in views.values():
        labels = {label.text for label in view.view.labels}
        assert len(labels) >= 4, view.view.name  # region names written on the drawing
