"""Wording of recorded data, and the body-chart drawing's coverage of the knowledge base."""

from __future__ import annotations

import datetime as dt

from desktop_app import paths
from desktop_app.core.body_chart import VIEWS, load_view
from desktop_app.core.knowledge import KnowledgeBase, Prompt
from desktop_app.core.observations import Observations
from desktop_app.export.wording import (
    NOT_KNOWN,
    answer_text,
    exam_rows,
    format_date,
    format_time,
    history_topics,
    sentence,
)


def test_dates_are_readable_and_times_local() -> None:
    assert format_date(dt.date(2026, 11, 22)) == "22 Nov 2026"
    moment = dt.datetime(2026, 1, 5, 23, 30, tzinfo=dt.UTC)
    local = moment.astimezone()
    assert format_time(moment) == f"{format_date(local.date())}, {local:%H:%M}"


def test_answers_read_as_words(kb: KnowledgeBase) -> None:
    injection = kb.prompts["injection_history"]
    assert answer_text(injection, "yes") == "Yes"
    assert answer_text(injection, "unknown") == NOT_KNOWN
    assert answer_text(kb.prompts["current_pain"], 4) == "4 out of 10"
    weeks = Prompt("weeks", "Onset", "How long ago?", "duration", unit="weeks")
    assert answer_text(weeks, 3.5) == "3.5 weeks"
    assert sentence("Did it start with a fall?", "No") == "Did it start with a fall? No."
    assert sentence("Current pain (0–10)", "4 out of 10") == "Current pain (0–10): 4 out of 10."


def test_history_is_grouped_by_topic_and_skips_unanswered(kb: KnowledgeBase) -> None:
    obs = Observations(
        presentations=("buttock_pain",),
        answers={"saddle_anaesthesia": "no", "current_pain": 2},
    )
    topics = history_topics(kb, obs)
    expected = {kb.prompts["saddle_anaesthesia"].topic, kb.prompts["current_pain"].topic}
    assert {t.name for t in topics} == expected
    assert sum(len(t.sentences) for t in topics) == 2


def test_exam_table_lists_only_recorded_results(kb: KnowledgeBase) -> None:
    obs = Observations(exam={"gt_palpation": {"right": "inconclusive"}})
    assert exam_rows(kb, obs) == [(kb.exam_items["gt_palpation"].name, "Right", "Inconclusive")]


def test_every_body_chart_region_has_a_place_in_each_of_its_views(kb: KnowledgeBase) -> None:
    placed = {
        view: {shape.id for shape in load_view(paths.BODY_CHART, view).shapes} for view in VIEWS
    }
    missing = [
        (region.id, view, side)
        for region in kb.body_chart.regions
        for view in region.views
        for side in ("left", "right")
        if f"{region.id}-{side}" not in placed[view]
    ]
    assert missing == []
