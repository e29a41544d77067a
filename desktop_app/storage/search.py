"""Folding names for case- and accent-insensitive search, and the name query in name order.

Names are found through the table ``patient_name_prefixes`` (migration 0002): one row per
(first 1..5 letters of a word of the folded name, folded name, patient ID), so the first 50
matches in name order are one index range read whatever the number of patients.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

# Letters that Unicode does not decompose into a base letter plus an accent.
_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "ß": "ss",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "ħ": "h",
        "Ħ": "h",
    }
)
_WORD = re.compile(r"\w+")
_APOSTROPHES = re.compile("['’ʼ]")


def _is_cjk(ch: str) -> bool:
    # Han, kana and hangul have no spaces between words: index each character on its own.
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )


def fold(text: str) -> str:
    """Lower-case, accent-free words with single spaces: "Zoë Łukasiewicz" -> "zoe lukasiewicz"."""
    text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.translate(_LETTERS)  # casefold can produce letters the first pass did not see
    text = _APOSTROPHES.sub("", text)  # "O'Brien" is one word: "obrien"
    spaced = "".join(f" {ch} " if _is_cjk(ch) else ch for ch in text)
    return " ".join(_WORD.findall(spaced))


# The longest prefix the index holds (the sizes listed in 0002_name_prefixes.sql).
PREFIX_LENGTH = 5


@dataclass(frozen=True)
class NameQuery:
    """Names with a word starting ``prefix`` (indexed) that also match every LIKE pattern."""

    prefix: str
    patterns: tuple[str, ...]  # for LIKE ... ESCAPE '\\' on ' ' || search_name


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def name_query(text: str) -> NameQuery | None:
    """Names whose words start with each word typed, in any order; None if nothing is typed.

    A typed word that folds into several words (CJK characters, "Straße-Ødegård") must match them
    as adjacent words of the name, the last one as a prefix. The index is read with the longest
    first word typed (up to PREFIX_LENGTH letters): the most selective range.
    """
    terms = [tokens for word in text.split() if (tokens := fold(word).split())]
    if not terms:
        return None
    lead = max(range(len(terms)), key=lambda i: min(len(terms[i][0]), PREFIX_LENGTH))
    patterns = tuple(
        "% " + _like_escape(" ".join(tokens)) + "%"
        for i, tokens in enumerate(terms)
        # The lead term needs no pattern when the index range alone answers it.
        if not (i == lead and len(tokens) == 1 and len(tokens[0]) <= PREFIX_LENGTH)
    )
    return NameQuery(terms[lead][0][:PREFIX_LENGTH], patterns)


def name_sql(query: NameQuery, columns: str) -> str:
    """SELECT ``columns`` (of patients AS p) for ``query``, in name order, with a LIMIT ?.

    Parameters: query.prefix, then each of query.patterns, then the limit.
    """
    where = "".join(" AND ' ' || x.search_name LIKE ? ESCAPE '\\'" for _ in query.patterns)
    return (
        f"SELECT {columns} FROM patient_name_prefixes AS x "
        "JOIN patients AS p ON p.id = x.patient_id "
        f"WHERE x.prefix = ?{where} ORDER BY x.search_name, x.patient_id LIMIT ?"
    )


def parse_date(text: str) -> dt.date | None:
    """A date typed as yyyy-mm-dd or dd/mm/yyyy (also dd.mm.yyyy), else None."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return None
