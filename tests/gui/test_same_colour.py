"""Screen and paper draw one body-chart model: a symptom has the same colour on both."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from desktop_app.core import body_chart as chart
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Mark
from desktop_app.export import body_chart as paper
from desktop_app.export import write_pdf
from desktop_app.gui.body_chart import BodyChartPanel
from tests.export import builders

MARK = Mark("upper_outer_buttock", "depression", "left")


def _close(a: QColor, b: QColor, tolerance: int = 3) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def test_both_renderers_take_their_colours_from_the_one_model(
    qtbot: QtBot, kb: KnowledgeBase
) -> None:
    panel = BodyChartPanel(kb)
    qtbot.addWidget(panel)
    model = chart.symptom_colours(kb.body_chart)
    assert panel.colours == model == paper.symptom_colours(kb.body_chart)
    panel.show_marks((MARK,))
    assert panel.views["posterior"].fills == {"upper_outer_buttock-left": model["depression"]}
    assert chart.fills(kb.body_chart, [MARK]) == {"upper_outer_buttock-left": model["depression"]}


def test_a_marked_region_has_the_same_colour_on_screen_and_on_paper(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    expected = QColor(chart.symptom_colours(kb.body_chart)["depression"])

    panel = BodyChartPanel(kb)
    qtbot.addWidget(panel)
    panel.resize(900, 700)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_marks((MARK,))
    view = panel.views["posterior"]
    element = "upper_outer_buttock-left"
    chip = view.number_chips()[element]  # the region's number sits on its centre
    centre = view.centre_of(element)
    bounds = view.renderer.boundsOnElement(element)
    left = view.to_widget(bounds.topLeft()).x()
    beside = QPoint(int((left + chip.left()) / 2), int(centre.y()))  # filled, off the chip
    on_screen = view.grab().toImage().pixelColor(beside)
    assert _close(on_screen, expected), on_screen.name()

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    bundle = builders.bundle(kb, visits=1)
    visit = replace(bundle.visit, observations=replace(bundle.visit.observations, marks=(MARK,)))
    pdf = write_pdf("summary", builders.with_visits(bundle, visit, [visit]), tmp_path / "s.pdf")
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(pdf), str(tmp_path / "page")], check=True)
    matching = 0
    for page in sorted(tmp_path.glob("page*.png")):
        image = QImage(str(page))
        matching += sum(
            _close(image.pixelColor(x, y), expected)
            for y in range(0, image.height(), 2)
            for x in range(0, image.width(), 2)
        )
    assert matching > 20  # the filled region (and the legend dot), in the screen's colour
