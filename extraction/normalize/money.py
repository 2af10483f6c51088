"""Amounts as written in US, UK, EU, Indian and Swiss styles → Decimal, with their currency and span.

"$1,234,567.89", "1.234.567,89 €", "EUR 1.250,00", "12,34,567.00 INR", "1'234.50 CHF", "USD 480k",
"$1.2 million", "1 234 567,89 €". A bare '$' is reported as the document's dollar (see `dollar`).
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from extraction.normalize.currency import CODES, DOLLAR, NAMES, SYMBOLS, code_of

CENT = Decimal("0.01")
_MULTIPLIERS = {
    "k": Decimal(1000),
    "thousand": Decimal(1000),
    "m": Decimal(1000000),
    "mn": Decimal(1000000),
    "million": Decimal(1000000),
    "bn": Decimal(1000000000),
    "billion": Decimal(1000000000),
}

_SYMBOL = "|".join(re.escape(s) for s in sorted([*SYMBOLS, DOLLAR], key=len, reverse=True))
# Codes that are also common upper-case words ("TOP 10 risks", "ALL 3 sites") only count as a suffix.
_WORDLIKE_CODES = frozenset({"ALL", "TOP", "CUP", "MOP", "PEN", "TRY", "SOS", "MAD", "BAM", "GEL"})
_CODE = "|".join(sorted(CODES - _WORDLIKE_CODES))
_NAME = "|".join(sorted((re.escape(n) for n in NAMES), key=len, reverse=True))
# A space within a written amount: never a line break, which separates two things.
_SP = r"[ \t\u00a0\u202f]"
# Digits with grouping by comma, dot, apostrophe or single space (space only before exactly three digits).
_NUMBER = rf"\d{{1,3}}(?:(?:[,.'’]|{_SP}(?=\d{{3}}\b))\d{{2,3}})+(?:[.,]\d{{1,3}})?|\d+(?:[.,]\d{{1,3}})?"


def _mult(tag: str) -> str:
    return rf"(?:(?P<mult{tag}>k|K|m|M|mn|bn)\b|{_SP}?(?P<multword{tag}>thousand|million|billion)\b)"


def _suffix(tag: str) -> str:
    return rf"(?P<post{tag}>{_CODE}|€|£|₹|\$|(?i:{_NAME})s?|(?i:dollars|euros|pounds)\b)"


# Either a prefix symbol/code before the number (with an optional code after it), or a suffix after it;
# a code followed by a figure on its line prefixes that figure ("1 May 2026 EUR 74.500,00" is not
# "2026 EUR"). A code may wrap to the line before or after its figure ("a maximum of USD\n34,500.00").
_AMOUNT = re.compile(
    rf"(?<![\w$£€₹¥.])(?:(?P<pre>(?:{_CODE})(?:{_SP}?\$)?|{_SYMBOL})\s?(?P<num>{_NUMBER}){_mult('')}?"
    rf"(?:{_SP}?{_suffix('')})?|(?P<num2>{_NUMBER}){_mult('2')}?\s?{_suffix('2')}(?!{_SP}?\d))(?!\w)"
)
_BARE_NUMBER = re.compile(rf"^\(?(?P<num>{_NUMBER})\)?$")


@dataclass(frozen=True)
class AmountMatch:
    """An amount found in text: `currency` is None for a bare '$' whose dollar the document decides."""

    start: int
    end: int
    value: Decimal
    currency: str | None
    dollar: bool


def parse_number(raw: str, decimal_comma: bool = False) -> Decimal | None:
    """A written number → Decimal; `decimal_comma` says how to read an ambiguous '1.234' or '1,234'."""
    digits = raw.replace("'", "").replace("’", "").replace(" ", "")
    if not digits or not digits[0].isdigit():
        return None
    last_dot, last_comma = digits.rfind("."), digits.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal_mark = "." if last_dot > last_comma else ","
    elif last_dot >= 0 or last_comma >= 0:
        decimal_mark = _single_mark(digits, "." if last_dot >= 0 else ",", decimal_comma)
    else:
        decimal_mark = ""
    if decimal_mark:
        whole, _, fraction = digits.rpartition(decimal_mark)
        whole = whole.replace(".", "").replace(",", "")
        normalised = f"{whole}.{fraction}"
    else:
        normalised = digits.replace(".", "").replace(",", "")
    try:
        return Decimal(normalised)
    except InvalidOperation:
        return None


def _single_mark(digits: str, mark: str, decimal_comma: bool) -> str:
    """Whether the only separator kind present is a decimal mark ('.'/',') or grouping ('')."""
    if digits.count(mark) > 1:
        return ""
    whole, _, fraction = digits.partition(mark)
    if len(fraction) != 3 or whole == "0":
        return mark
    # '1,234' or '1.234' with three digits after the mark: the document's habit decides.
    return mark if (mark == ",") == decimal_comma else ""


def _apply_multiplier(value: Decimal, mult: str | None) -> Decimal:
    if not mult:
        return value
    return value * _MULTIPLIERS[mult.lower()]


def find_amounts(text: str, decimal_comma: bool = False) -> list[AmountMatch]:
    """Every amount written with a currency symbol, code or name in `text`."""
    found: list[AmountMatch] = []
    for match in _AMOUNT.finditer(text):
        raw = match.group("num") or match.group("num2")
        value = parse_number(raw, decimal_comma)
        if value is None or _numbering_after_a_break(match):
            continue
        groups = match.groupdict()
        mult = groups["mult"] or groups["multword"] or groups["mult2"] or groups["multword2"]
        value = _apply_multiplier(value, mult)
        tokens = [t for t in (groups["pre"], groups["post"], groups["post2"]) if t]
        currency, dollar = _currency_of(tokens)
        found.append(AmountMatch(match.start(), match.end(), value, currency, dollar))
    return found


def _numbering_after_a_break(match: re.Match[str]) -> bool:
    """A code that ends a line and a small bare figure that starts the next: "Currency INR" / "1. Background"
    is a label's value and a clause number, not INR 1. A wrapped amount is written as money ("USD" /
    "34,500.00")."""
    number = match.group("num")
    if number is None or "\n" not in match.string[match.end("pre") : match.start("num")]:
        return False
    return re.fullmatch(r"\d{1,2}", number) is not None


def _currency_of(tokens: list[str]) -> tuple[str | None, bool]:
    """The most specific currency among a match's tokens: a code or named symbol beats a bare '$'."""
    for token in tokens:
        bare = token.replace("$", "").strip()
        if not bare or bare.lower() in ("dollar", "dollars"):
            continue
        code = code_of(token) or code_of(bare)
        if code:
            return code, False
    return None, True


def parse_bare_amount(cell: str, decimal_comma: bool = False) -> Decimal | None:
    """A table cell that holds only a number ('12,000.00', '(1,500)'), as under an 'Amount (USD)' header."""
    match = _BARE_NUMBER.match(cell.strip())
    return parse_number(match.group("num"), decimal_comma) if match else None


def uses_decimal_comma(text: str) -> bool:
    """Whether the document writes amounts the continental way ('1.234,56')."""
    continental = len(re.findall(r"\d{1,3}(?:\.\d{3})+,\d{2}\b", text))
    anglo = len(re.findall(r"\d{1,3}(?:,\d{3})+\.\d{2}\b", text))
    return continental > anglo


def money(value: Decimal) -> Decimal:
    """An amount with cents, as the record's money fields carry them; finer fractions as written stay
    (0.419 BTC is not 0.42)."""
    exponent = value.normalize().as_tuple().exponent
    return value.quantize(CENT) if isinstance(exponent, int) and exponent >= -2 else value
