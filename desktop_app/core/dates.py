"""Dates as a clinician types them, and the partial dates a patient remembers.

A date is typed in the locale's order (day-month-year, month-day-year or year-month-day) with
any separator, or as digits only; where the question allows, a month and year ("03/2026",
"March 2026") or a year alone. Nothing is guessed: text that is not one reading of a real date
is refused with a message saying what was expected, never turned into another date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.errors import InvalidObservation

EARLIEST = dt.date(1900, 1, 1)  # no date a physiotherapist records is older
ORDERS = ("DMY", "MDY", "YMD")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
APPROXIMATE = re.compile(r"^(about|approx\.?|approximately|around|ca\.?|circa|~)\s*", re.I)
ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class InvalidDate(InvalidObservation):
    """Typed text that is not a date the question accepts."""


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, the month or the year (ISO 8601 reduced precision)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise InvalidDate("A day needs its month.")
        dt.date(self.year, self.month or 1, self.day or 1)  # ValueError for an impossible date

    @property
    def complete(self) -> bool:
        return self.day is not None

    def iso(self) -> str:
        """'2026', '2026-03' or '2026-03-14'."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def words(self) -> str:
        """'14 March 2026', 'March 2026' or '2026' (English month names, as the PDFs print)."""
        if self.month is None:
            return str(self.year)
        month = MONTHS[self.month - 1]
        return f"{self.day} {month} {self.year}" if self.day else f"{month} {self.year}"


def from_iso(text: str) -> PartialDate:
    """Read a stored date ('2026', '2026-03' or '2026-03-14')."""
    match = ISO.fullmatch(text.strip())
    if match is None:
        raise InvalidDate(f"'{text}' is not a date as YYYY-MM-DD, YYYY-MM or YYYY.")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        return PartialDate(year, month, day)
    except ValueError:
        raise InvalidDate(f"'{text}' is not a real date.") from None


def check_range(day: PartialDate, today: dt.date, what: str = "date") -> PartialDate:
    """Refuse a date before 1900 or after today (nothing recorded here lies in the future)."""
    if day.year < EARLIEST.year:
        raise InvalidDate(f"The {what} {day.words()} is before {EARLIEST.year}.")
    if day.first_day() > today:
        raise InvalidDate(f"The {what} {day.words()} is in the future.")
    return day


def order_of(pattern: str) -> str:
    """The field order of a locale date pattern ('dd/MM/yyyy' gives 'DMY'); DMY if unclear."""
    positions = {k: pattern.find(c) for k, c in (("D", "d"), ("M", "M"), ("Y", "y"))}
    if min(positions.values()) < 0:
        return "DMY"
    return "".join(sorted(positions, key=lambda k: positions[k]))


def _year(text: str, today: dt.date) -> int:
    """A four-digit year, or two digits read as the most recent such year not after today."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def _month_name(word: str, names: Sequence[str]) -> int | None:
    word = word.rstrip(".").casefold()
    if len(word) < 3:
        return None
    for n, name in enumerate([*MONTHS, *names]):
        if name.casefold().startswith(word) or word == name.casefold():
            return n % 12 + 1
    return None


def parse_typed(
    text: str,
    order: str,
    today: dt.date,
    *,
    partial: bool = False,
    month_names: Sequence[str] = (),
    what: str = "date",
) -> PartialDate | None:
    """The date typed in `order`; None for empty text; InvalidDate naming what was expected.

    `month_names` adds the locale's month names (twelve, or twelve long then twelve short).
    """
    text = APPROXIMATE.sub("", text.strip()) if partial else text.strip()
    if not text:
        return None
    expected = _expected(order, partial)
    words = re.findall(r"[^\W\d_]+", text)
    groups = re.findall(r"\d+", text)
    fields: tuple[str | None, str | None, str] | None
    if words:  # "March 2026", "14 Mar 2026"
        month = _month_name(words[0], month_names) if len(words) == 1 else None
        if month is None or not 1 <= len(groups) <= 2:
            raise InvalidDate(f"'{text}' is not a {what}: {expected}.")
        year_text = groups[-1]
        day_text = groups[0] if len(groups) == 2 else None
        fields = (day_text, str(month), year_text)
    elif len(groups) == 1 and re.fullmatch(r"\d+", text):  # digits only
        fields = _split_digits(text, order, partial)
    else:
        fields = _by_order(groups, order, partial)
    if fields is None:
        raise InvalidDate(f"'{text}' is not a {what}: {expected}.")
    day_text, month_text, year_text = fields
    if len(year_text) not in (2, 4):
        raise InvalidDate(f"'{text}' is not a {what}: the year needs four digits.")
    if day_text is None and not partial:
        raise InvalidDate(f"'{text}' is not a full {what}: {expected}.")
    try:
        found = PartialDate(
            _year(year_text, today),
            int(month_text) if month_text is not None else None,
            int(day_text) if day_text is not None else None,
        )
    except ValueError:
        raise InvalidDate(f"'{text}' is not a real {what}: {expected}.") from None
    return check_range(found, today, what)


def _by_order(
    groups: list[str], order: str, partial: bool
) -> tuple[str | None, str | None, str] | None:
    if len(groups) == 3:
        if len(groups[0]) == 4:  # 2026-03-14 is read as ISO in every locale
            order = "YMD"
        fields = dict(zip(order, groups, strict=True))
        return fields["D"], fields["M"], fields["Y"]
    if partial and len(groups) == 2 and 4 in map(len, groups):  # month and year
        month, year = groups[::-1] if len(groups[0]) == 4 else groups  # 2026-03 or 03/2026
        return None, month, year
    if partial and len(groups) == 1 and len(groups[0]) == 4:
        return None, None, groups[0]
    return None


def _split_digits(
    text: str, order: str, partial: bool
) -> tuple[str | None, str | None, str] | None:
    if len(text) in (6, 8):  # 14031974, 140374; 19740314 in year-first locales
        year_len = len(text) - 4
        if order == "YMD":
            parts = {"Y": text[:year_len], "M": text[year_len : year_len + 2], "D": text[-2:]}
        else:
            first, second = text[:2], text[2:4]
            parts = {"Y": text[4:], order[0]: first, order[1]: second}
        return parts["D"], parts["M"], parts["Y"]
    if partial and len(text) == 4:
        return None, None, text
    return None


def _expected(order: str, partial: bool) -> str:
    sample = {"DMY": "14/03/1974", "MDY": "03/14/1974", "YMD": "1974-03-14"}[order]
    text = f"type it as {sample}"
    if partial:
        month = {"DMY": "03/2026", "MDY": "03/2026", "YMD": "2026-03"}[order]
        text += f", or a month and year as {month} or March 2026, or a year"
    return text
