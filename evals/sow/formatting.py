"""How generated documents write amounts, dates and small numbers.

Tests and evals use the same functions to find a value "as written" in the rendered text.
"""

from datetime import date
from decimal import Decimal
from enum import StrEnum

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "C$", "AUD": "A$"}


class MoneyStyle(StrEnum):
    symbol = "symbol"  # $1,250.00 — falls back to the code for currencies without a symbol
    code_prefix = "code_prefix"  # USD 1,250.00
    code_suffix = "code_suffix"  # 1,250.00 EUR
    continental = "continental"  # EUR 1.250,00 — decimal comma, as German and French contracts write it
    indian = "indian"  # INR 12,50,000.00 — lakh and crore grouping


class DateStyle(StrEnum):
    long_us = "long_us"  # March 3, 2026
    long_eu = "long_eu"  # 3 March 2026
    numeric_us = "numeric_us"  # 03/03/2026
    iso = "iso"  # 2026-03-03


_ONES = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"),
    *("twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"),
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def format_money(amount: Decimal, currency: str, style: MoneyStyle) -> str:
    grouped = f"{amount:,.2f}"
    if style is MoneyStyle.indian:
        return f"{currency} {_indian_grouping(amount)}"
    if style is MoneyStyle.continental:
        continental = grouped.replace(",", " ").replace(".", ",").replace(" ", ".")
        return f"{currency} {continental}"
    if style is MoneyStyle.code_suffix:
        return f"{grouped} {currency}"
    if style is MoneyStyle.symbol and currency in SYMBOLS:
        return f"{SYMBOLS[currency]}{grouped}"
    return f"{currency} {grouped}"


def _indian_grouping(amount: Decimal) -> str:
    """12,50,000.00: the last three digits, then groups of two."""
    whole, cents = f"{amount:.2f}".split(".")
    head, tail = whole[:-3], whole[-3:]
    groups = [head[max(0, end - 2) : end] for end in range(len(head), 0, -2)][::-1]
    return ",".join([*groups, tail]) + f".{cents}"


def format_date(value: date, style: DateStyle) -> str:
    if style is DateStyle.long_us:
        return f"{value:%B} {value.day}, {value.year}"
    if style is DateStyle.long_eu:
        return f"{value.day} {value:%B} {value.year}"
    if style is DateStyle.numeric_us:
        return f"{value:%m/%d/%Y}"
    return value.isoformat()


def number_words(number: int) -> str:
    """English words for 0..999, as contracts spell out notice periods ("thirty (30) days")."""
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(number, 100)
    return f"{_ONES[hundreds]} hundred" + (f" and {number_words(rest)}" if rest else "")


def spelled(number: int) -> str:
    return f"{number_words(number)} ({number})"
