"""The one table of red-flag level words (core.safety_wording.LEVELS) covers every level and says
of each what signing treats it as: an alarm to acknowledge, or information."""

from __future__ import annotations

from desktop_app.core import safety_wording as sw
from desktop_app.core.knowledge.model import URGENCIES
from desktop_app.core.signing import MUST_ACKNOWLEDGE


def test_every_level_a_rule_can_have_is_worded() -> None:
    assert set(sw.LEVELS) == set(URGENCIES)
    assert len({words.label for words in sw.LEVELS.values()}) == len(URGENCIES)


def test_the_explanation_agrees_with_what_signing_asks() -> None:
    for urgency, words in sw.LEVELS.items():
        alarm = urgency in MUST_ACKNOWLEDGE
        assert ("not an alarm" in words.explanation) is not alarm, urgency
        assert ("alarm" in words.explanation) is True, urgency


def test_an_unknown_level_reads_as_an_alarm_never_as_information() -> None:
    assert sw.level_words("retired_level") == sw.LEVELS["urgent"]
    assert sw.flag_heading("retired_level", "X") == sw.flag_heading("urgent", "X")


def test_the_heading_and_its_loud_form_differ_only_in_the_label() -> None:
    assert sw.flag_heading("routine", "Night pain") == (
        "Routine review — information, not an alarm: Night pain"
    )
    assert sw.flag_heading("emergency", "Cauda equina", loud=True) == (
        "EMERGENCY — red-flag alarm: Cauda equina"
    )
