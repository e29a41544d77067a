"""The body-chart asset matches the knowledge base, and clicks land on the right region."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import SIDES, Mark
from desktop_app.gui.body_chart import BodyChartPanel


@pytest.fixture
def panel(qtbot: QtBot, kb: KnowledgeBase) -> BodyChartPanel:
    widget = BodyChartPanel(kb)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_every_region_of_the_knowledge_base_is_drawn_in_its_views(
    panel: BodyChartPanel, kb: KnowledgeBase
) -> None:
    for region in kb.body_chart.regions:
        for view in region.views:
            chart = panel.views[view]
            for side in SIDES:
                element = f"{region.id}-{side}"
                assert chart.renderer.elementExists(element), f"{element} missing in {view}"
    known = {r.id for r in kb.body_chart.regions}
    for chart in panel.views.values():
        assert all(e.rpartition("-")[0] in known for e in chart.element_ids)


def test_a_click_hits_the_region_under_the_pointer(panel: BodyChartPanel) -> None:
    for chart in panel.views.values():
        for element in chart.element_ids:
            assert chart.element_at(chart.centre_of(element)) == element
        assert chart.element_at(QPointF(2, 2)) == ""  # the margin is no region


def test_clicking_marks_and_never_unmarks_remove_does(
    qtbot: QtBot, panel: BodyChartPanel, kb: KnowledgeBase
) -> None:
    emitted: list[tuple[Mark, bool]] = []
    panel.markToggled.connect(lambda mark, present: emitted.append((mark, present)))
    symptom = kb.body_chart.symptoms[-1]
    next(b for b in panel.symptom_group.buttons() if b.property("symptom") == symptom.id).click()
    chart = panel.views["lateral"]
    element = next(e for e in chart.element_ids if e.endswith("-left"))
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.centre_of(element).toPoint())
    mark = Mark(element.rpartition("-")[0], symptom.id, "left")
    assert emitted == [(mark, True)]
    panel.show_marks((mark,))
    assert chart.fills == {element: panel.colours[symptom.id]}
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.centre_of(element).toPoint())
    assert emitted == [(mark, True)]  # a click on a marked region selects it
    assert panel.selected == (mark.region, "left") and panel.remove_button.isEnabled()
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert emitted[-1] == (mark, False)
