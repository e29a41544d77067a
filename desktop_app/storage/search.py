"""Folding names for case- and accent-insensitive search, and building FTS5 queries."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

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


def fts_query(text: str) -> str:
    """An FTS5 query matching names whose words start with each word typed, in any order."""
    terms = []
    for word in text.split():
        tokens = fold(word).split()
        if tokens:
            # A CJK word becomes a phrase of single characters, so the characters stay adjacent.
            terms.append('"' + " ".join(tokens) + '"*')
    return " AND ".join(terms)


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
