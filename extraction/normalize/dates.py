"""Dates as contracts write them → `date`, with their spans; blanks ("August __, 2019") → None.

"March 16, 2026", "16 March 2026", "16th March, 2026", "the 1st day of April, 2026", "16-Mar-2026",
"2026-03-16", "16.03.2026", and "16/03/2026" vs "03/16/2026" read in the order the document uses.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

DateOrder = Literal["dmy", "mdy"]

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
# A text layer may split an ordinal's suffix ("the 1s t day of June") or set a space before the comma
# ("October 9 , 2017", "MARCH , 2019").
_DAY = r"(?P<day>[0-3]?\d)(?:s\s?t|n\s?d|r\s?d|t\s?h)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
TWO_DIGIT_PIVOT = 69
_BLANK = r"(?:_+|\[\s*_*\s*\]|\.{3,}|__\s*_*)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("long_mdy", re.compile(rf"\b{_MONTH}\s+{_DAY}\s*,?\s+{_YEAR}\b", re.IGNORECASE)),
    (
        "long_dmy",
        # no word boundary before the day: a text layer may glue it to the word before ("as of1 August 2019")
        re.compile(
            rf"(?<!\d){_DAY}(?:\s+day\s+of|\s*[-\s])\s*{_MONTH}(?:\s*,?\s+|-){_YEAR}\b", re.IGNORECASE
        ),
    ),
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)[-/](?P<month>[01]?\d)[-/](?P<day>[0-3]?\d)\b")),
    ("dotted", re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)\b")),
    ("numeric", re.compile(r"\b(?P<a>[0-3]?\d)[/-](?P<b>[0-3]?\d)[/-](?P<year>(?:19|20)?\d\d)\b")),
)
_BLANKS = (
    re.compile(rf"\b{_MONTH}\s+{_BLANK},?\s*(?:{_YEAR})?", re.IGNORECASE),
    re.compile(rf"{_BLANK}\s*day\s+of\s+(?:{_MONTH}|{_BLANK}),?\s*(?:{_YEAR}|{_BLANK})", re.IGNORECASE),
    re.compile(rf"{_BLANK}\s*{_MONTH},?\s*{_YEAR}", re.IGNORECASE),
    re.compile(rf"{_BLANK}\s*/\s*{_BLANK}\s*/\s*(?:{_YEAR}|{_BLANK})"),
)


@dataclass(frozen=True)
class DateMatch:
    """A date found in text; `value` is None when the date is left blank to be filled in."""

    start: int
    end: int
    value: date | None
    style: str


def find_dates(text: str, order: DateOrder = "mdy") -> list[DateMatch]:
    """Every complete or blank date in `text`, in reading order, without overlaps."""
    found: list[DateMatch] = []
    for style, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            found.append(DateMatch(match.start(), match.end(), _value(match, style, order), style))
    for pattern in _BLANKS:
        found.extend(DateMatch(m.start(), m.end(), None, "blank") for m in pattern.finditer(text))
    return _without_overlaps(found)


def _without_overlaps(matches: list[DateMatch]) -> list[DateMatch]:
    """Keep the earliest, then longest, match where matches overlap; a real date beats a blank."""
    kept: list[DateMatch] = []
    ordered = sorted(matches, key=lambda m: (m.start, m.value is None, -(m.end - m.start)))
    for match in ordered:
        if kept and match.start < kept[-1].end:
            continue
        kept.append(match)
    return kept


def _value(match: re.Match[str], style: str, order: DateOrder) -> date | None:
    groups = match.groupdict()
    year = int(groups["year"])
    if year < 100:  # a two-digit year as POSIX strptime reads %y: 69–99 → 1969–1999, 00–68 → 2000–2068
        year += 1900 if year >= TWO_DIGIT_PIVOT else 2000
    if style == "numeric":
        first, second = int(groups["a"]), int(groups["b"])
        day_first = order == "dmy" if first <= 12 and second <= 12 else first > 12
        month, day = (second, first) if day_first else (first, second)
    else:
        raw_month = groups["month"].lower()
        month = MONTHS[raw_month] if raw_month in MONTHS else int(raw_month)
        day = int(groups["day"])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def infer_order(text: str, hint: DateOrder | None = None) -> DateOrder:
    """How the document writes numeric dates: a day above 12 decides, then its long-form habit, then hint."""
    votes = {"dmy": 0, "mdy": 0}
    for match in _PATTERNS[4][1].finditer(text):
        first, second = int(match.group("a")), int(match.group("b"))
        if first > 12 >= second:
            votes["dmy"] += 3
        elif second > 12 >= first:
            votes["mdy"] += 3
    votes["dmy"] += len(_PATTERNS[1][1].findall(text))
    votes["mdy"] += len(_PATTERNS[0][1].findall(text))
    if votes["dmy"] == votes["mdy"]:
        return hint or "mdy"
    return "dmy" if votes["dmy"] > votes["mdy"] else "mdy"
