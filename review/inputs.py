"""Values as people type them, turned into the field's type before it is validated.

What the review page shows can be typed back: "108,000.00", "$108,000.00", "USD 108,000", "108.000,00 EUR"
(price-parser); "May 1, 2019", "1 May 2019", "03.03.2026", "2019-05-01" (dateparser; an all-number date
is read in ReviewSettings.review_date_order); "30 days"; "yes"/"no"; enum values by their label
("Retainer", "Time and materials"). Anything else is passed on unchanged, so the field's type refuses it
with its own message — nothing is guessed: "10^11" or "1e308" are not read as amounts here.
"""

import re
import typing
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Final

import dateparser
from price_parser import Price

from review.errors import InvalidValue

_AMOUNT: Final = re.compile(
    r"^\s*[-+]?\s*(?:[A-Z]{3}|US\$|[$€£¥₹])?\s*[-+]?\d[\d.,'’\s]*\s*(?:[A-Z]{3}|[$€£¥₹])?\s*$"
)
_PLAIN_NUMBER: Final = re.compile(r"^\s*[-+]?\d+(\.\d+)?\s*$")
_DAYS: Final = re.compile(r"^\s*(\d[\d,]*)\s*(?:(?:calendar|business)\s+)?(?:days?)?\s*$", re.IGNORECASE)
_YEAR: Final = re.compile(r"\b\d{4}\b")
_SYMBOLS: Final = {"$": None, "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_TRUE: Final = frozenset({"yes", "y", "true", "1", "signed", "on"})
_FALSE: Final = frozenset({"no", "n", "false", "0", "unsigned", "off"})


def typed_value(value_type: Any, raw: Any, *, currency: str | None = None, date_order: str = "MDY") -> Any:
    """`raw` converted for a field whose value type is `value_type` (e.g. `Decimal | None`), when it is
    a string a person typed; any other value is returned as it is."""
    if not isinstance(raw, str):
        return raw
    kind = _kind(value_type)
    if kind is Decimal:
        return _amount(raw, currency)
    if kind is date:
        return _date(raw, date_order)
    if kind is bool:
        word = raw.strip().lower()
        return True if word in _TRUE else False if word in _FALSE else raw
    if kind is int:
        days = _DAYS.match(raw)
        return int(days.group(1).replace(",", "")) if days else raw
    if isinstance(kind, type) and issubclass(kind, Enum):
        return _enum(kind, raw)
    return raw


def _kind(value_type: Any) -> Any:
    """The non-None type inside Optional/Annotated wrappers."""
    while typing.get_origin(value_type) is typing.Annotated:
        value_type = typing.get_args(value_type)[0]
    arguments = [item for item in typing.get_args(value_type) if item is not type(None)]
    if arguments and typing.get_origin(value_type) is not None:
        return _kind(arguments[0])
    return value_type


def _amount(raw: str, currency: str | None) -> Any:
    if _PLAIN_NUMBER.match(raw) or not _AMOUNT.match(raw):
        return raw.strip()
    price = Price.fromstring(raw)
    if price.amount is None:
        return raw
    stated = price.currency.strip() if price.currency else None
    code = _SYMBOLS.get(stated, stated) if stated else None
    if code and currency and code.upper() != currency.upper():
        raise InvalidValue(
            f"{raw!r} is in {code}, but the record's currency is {currency}: correct the currency first"
        )
    return price.amount


def _date(raw: str, date_order: str) -> Any:
    text = raw.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    if not _YEAR.search(text):
        return raw  # a relative or partial date ("yesterday", "May") is not a contract date
    parsed = dateparser.parse(
        text,
        languages=["en", "de", "fr", "es", "nl", "it"],
        settings={
            "STRICT_PARSING": True,
            "REQUIRE_PARTS": ["day", "month", "year"],
            "DATE_ORDER": date_order,
        },
    )
    return parsed.date() if parsed is not None else raw


def _enum(kind: type[Enum], raw: str) -> Any:
    key = re.sub(r"[\s\-/]+", "_", raw.strip().lower().replace("&", "and"))
    for member in kind:
        if key in (str(member.value).lower(), member.name.lower()):
            return member.value
    return raw
