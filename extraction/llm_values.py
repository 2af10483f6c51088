"""An LLM's value → the record's normalised value, and how firmly its quote supports it.

The model is asked for normalised values (ISO dates, plain numbers, ISO currency codes) but small or
careless models write them as the document does, so each value is read with the same helpers as the
offline engine (extraction/normalize). A value that cannot be read is dropped, with the reason.

Support sets the confidence. A value the quote states literally (the name inside the quote, the amount
or date among those the quote writes) is `literal`; one the model had to derive (a billing model, a
computed retainer total) is `derived`. Free text that its quote does not contain is not supported at
all: the model made it up or paraphrased it, and it is dropped like an ungrounded value.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Literal

from extraction.grounding import squash
from extraction.normalize.currency import CODES, DOLLAR, code_of
from extraction.normalize.dates import DateOrder, find_dates
from extraction.normalize.money import find_amounts, money, parse_number
from extraction.normalize.terms import PERIOD, jurisdiction, payment_days, period_days

Kind = Literal["text", "date", "amount", "days", "currency", "jurisdiction", "choice", "flag"]
Support = Literal["literal", "derived"]
Value = str | date | Decimal | int | bool

# Confidence by support. A literal value on a "Label: value" line is the strongest reading a quote gives;
# these are priors until evals/ calibrates the LLM backend per confidence bucket.
CONFIDENCE = {("literal", True): 0.9, ("literal", False): 0.8, ("derived", False): 0.6}
_LABELLED = re.compile(r"^[^:\n]{1,60}:\s*\S")
_NUMBER = re.compile(r"\d[\d,.'’ ]*\d|\d")


@dataclass(frozen=True)
class Reading:
    """How this document writes dates, decimals and a bare '$'."""

    date_order: DateOrder
    decimal_comma: bool
    dollar: str


@dataclass(frozen=True)
class Read:
    value: Value
    confidence: float


def read(kind: Kind, raw: object, quote: str | None, reading: Reading) -> Read | str:
    """The normalised value with its confidence, or the reason it is dropped.

    `quote` is None when it is nowhere in the document: the value is then only normalised, and the
    grounding check that follows nulls it with that reason.
    """
    value = _normalise(kind, raw, reading)
    if value is None:
        return f"{raw!r} cannot be read as {'an' if kind == 'amount' else 'a'} {kind}"
    support = "derived" if quote is None else _support(kind, value, quote, reading)
    if support is None:
        return f"{raw!r} is not in its quote"
    labelled = support == "literal" and quote is not None and bool(_LABELLED.match(quote.strip()))
    return Read(value, CONFIDENCE[(support, labelled)])


def _normalise(kind: Kind, raw: object, reading: Reading) -> Value | None:
    if isinstance(raw, Enum):
        return str(raw.value)
    if kind == "flag":
        return raw if isinstance(raw, bool) else None
    if kind == "days":
        return raw if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0 else None
    if kind == "amount":
        return _amount(raw, reading)
    if not isinstance(raw, str) or not squash(raw):
        return None
    text = squash(raw).strip("\"'“”‘’")
    if not text:
        return None
    if kind == "date":
        return _date(text, reading)
    if kind == "currency":
        return _currency(text, reading)
    if kind == "jurisdiction":
        # Read as the clause would word it, so "the State of New York" becomes "New York" too.
        stated = jurisdiction(text) or jurisdiction(f"the laws of {text}")
        return stated[0] if stated else text
    return text if kind == "text" else None


def _date(text: str, reading: Reading) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        written = [found.value for found in find_dates(text, reading.date_order) if found.value]
        return written[0] if len(written) == 1 else None


def _amount(raw: object, reading: Reading) -> Decimal | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            return None
        return money(value) if value.is_finite() and value >= 0 else None
    if not isinstance(raw, str):
        return None
    written = find_amounts(raw, reading.decimal_comma)
    if written:
        return money(written[0].value)
    number = _NUMBER.search(raw)
    parsed = parse_number(number.group(), reading.decimal_comma) if number else None
    return money(parsed) if parsed is not None else None


def _currency(text: str, reading: Reading) -> str | None:
    if text.upper() in CODES and len(text) == 3:
        return text.upper()
    if text == DOLLAR:
        return reading.dollar
    # a code without ISO 4217 (a digital currency: "BTC"), kept only where its quote writes it after a
    # figure (_support), as the offline engine reads it
    return code_of(text) or (text if re.fullmatch(r"[A-Z]{3}", text) else None)


def _support(kind: Kind, value: Value, quote: str, reading: Reading) -> Support | None:
    """Whether the quote states `value` literally, lets it be derived, or (free text) does not hold it."""
    said = squash(quote)
    if kind == "text":
        return "literal" if str(value).casefold() in said.casefold() else None
    if kind == "jurisdiction":
        return "literal" if str(value).casefold() in said.casefold() else "derived"
    if kind == "currency" and str(value) not in CODES:
        return "literal" if re.search(rf"\d[ \u00a0]*{re.escape(str(value))}(?!\w)", said) else None
    literal = {
        "date": lambda: value in {found.value for found in find_dates(said, reading.date_order)},
        "amount": lambda: value in _amounts_in(said, reading),
        "days": lambda: value in _days_in(said),
        "currency": lambda: str(value) in said or _currency_named(said, str(value), reading),
    }.get(kind)
    return "literal" if literal is not None and literal() else "derived"


def _amounts_in(text: str, reading: Reading) -> set[Decimal]:
    written = {money(found.value) for found in find_amounts(text, reading.decimal_comma)}
    bare = (parse_number(match.group(), reading.decimal_comma) for match in _NUMBER.finditer(text))
    return written | {money(number) for number in bare if number is not None}


def _days_in(text: str) -> set[int]:
    periods = {period_days(match) for match in PERIOD.finditer(text)}
    terms = payment_days(text)
    figures = {int(match) for match in re.findall(r"\b\d{1,4}\b", text)}
    return {days for days in periods if days is not None} | figures | ({terms[0]} if terms else set())


def _currency_named(text: str, code: str, reading: Reading) -> bool:
    return any(
        found.currency == code or (found.currency is None and reading.dollar == code)
        for found in find_amounts(text, reading.decimal_comma)
    )
