"""Typed dates: read in the locale's order, whole or partial where allowed, never bent."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.core.dates import (
    ORDERS,
    InvalidDate,
    PartialDate,
    from_iso,
    order_of,
    parse_typed,
)

TODAY = dt.date(2026, 12, 2)
days = st.dates(dt.date(1900, 1, 1), TODAY)
GERMAN = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
FIELDS = {"D": "%d", "M": "%m", "Y": "%Y"}


def typed(day: dt.date, order: str, separator: str) -> str:
    return day.strftime(separator.join(FIELDS[f] for f in order))


@given(days, st.sampled_from(ORDERS), st.sampled_from(["/", ".", "-", " ", ""]))
def test_a_date_typed_in_the_locale_order_reads_back_as_itself(
    day: dt.date, order: str, separator: str
) -> None:
    assert parse_typed(typed(day, order, separator), order, TODAY) == PartialDate(
        day.year, day.month, day.day
    )


@given(st.text(alphabet="0123456789/.- ", max_size=12), st.sampled_from(ORDERS))
def test_typed_numbers_are_read_as_written_or_refused_never_changed(text: str, order: str) -> None:
    try:
        found = parse_typed(text, order, TODAY)
    except InvalidDate:
        return
    if not text.strip():
        assert found is None
        return
    assert found is not None and found.complete
    groups = [int(g) for g in re.findall(r"\d+", text)]
    if len(groups) == 3:  # each typed number is a field of the date, in a known order
        assert found.day in groups and found.month in groups
        assert found.year % 100 in [g % 100 for g in groups]


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("14/03/1974", "DMY", dt.date(1974, 3, 14)),
        ("14.03.1974", "DMY", dt.date(1974, 3, 14)),
        ("14031974", "DMY", dt.date(1974, 3, 14)),
        ("14.3.74", "DMY", dt.date(1974, 3, 14)),
        ("03/14/1974", "MDY", dt.date(1974, 3, 14)),
        ("1974/03/14", "YMD", dt.date(1974, 3, 14)),
        ("1974-03-14", "DMY", dt.date(1974, 3, 14)),  # ISO in any locale
        ("14 March 1974", "DMY", dt.date(1974, 3, 14)),
        ("01/12/26", "DMY", dt.date(2026, 12, 1)),  # two digits: the latest such past year
    ],
)
def test_examples(text: str, order: str, expected: dt.date) -> None:
    found = parse_typed(text, order, TODAY)
    assert found is not None and found.first_day() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/2026", "2026-03"),
        ("about March 2026", "2026-03"),
        ("Mar 2026", "2026-03"),
        ("märz 2026", "2026-03"),
        ("2026-03", "2026-03"),
        ("2025", "2025"),
        ("~ 2025", "2025"),
    ],
)
def test_partial_dates_where_the_question_allows(text: str, expected: str) -> None:
    found = parse_typed(text, "DMY", TODAY, partial=True, month_names=GERMAN.split())
    assert found is not None and found.iso() == expected
    with pytest.raises(InvalidDate):  # where a full date is needed (a date of birth)
        parse_typed(text, "DMY", TODAY, month_names=GERMAN.split())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/2020", "not a real date"),
        ("14/13/1974", "not a real date"),
        ("03/14/1974", "not a real date"),  # month 14 in a day-first locale: refused, not swapped
        ("03/12/2026", "future"),
        ("01/01/1899", "before 1900"),
        ("14/03/197", "four digits"),
        ("yesterday", "type it as 14/03/1974"),
        ("1/2/3/4", "type it as"),
        ("12/26", "type it as"),
    ],
)
def test_refusals_say_why(text: str, reason: str) -> None:
    with pytest.raises(InvalidDate, match=reason):
        parse_typed(text, "DMY", TODAY, partial=True)


def test_empty_text_is_no_date() -> None:
    assert parse_typed("  ", "DMY", TODAY) is None


@given(days, st.sampled_from(["year", "month", "day"]))
def test_stored_form_round_trips(day: dt.date, precision: str) -> None:
    value = PartialDate(
        day.year,
        day.month if precision != "year" else None,
        day.day if precision == "day" else None,
    )
    assert from_iso(value.iso()) == value


@pytest.mark.parametrize(
    ("pattern", "order"),
    [("dd/MM/yyyy", "DMY"), ("M/d/yy", "MDY"), ("yyyy/M/d", "YMD"), ("d MM yyyy", "DMY")],
)
def test_order_of_locale_patterns(pattern: str, order: str) -> None:
    assert order_of(pattern) == order
