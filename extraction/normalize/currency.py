"""Currency symbols, codes and names → ISO 4217 codes, and the document's own statement of its currency."""

import re

ISO_CODES = frozenset(
    (
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN",
        "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF",
        "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB",
        "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG",
        "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF",
        "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
        "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO",
        "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
        "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN",
        "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX",
        "USD", "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW",
        "ZWL",
    )
)  # fmt: skip
# The record's currency is an ISO 4217 code (spec §1). A currency without one (a digital currency) is read
# only as the three-letter code a document writes after its labelled figures (extraction/fields/money.py).
CODES = ISO_CODES

# Symbols that name one currency without help from the document.
SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "U.S.$": "USD",
    "USD$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "AUD$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "CAD$": "CAD",
    "NZ$": "NZD",
    "S$": "SGD",
    "SG$": "SGD",
    "HK$": "HKD",
    "R$": "BRL",
    "£": "GBP",
    "€": "EUR",
    "₹": "INR",
    "Rs.": "INR",
    "Rs": "INR",
    "¥": "JPY",
    "Fr.": "CHF",
    "SFr.": "CHF",
}
DOLLAR = "$"

NAMES: dict[str, str] = {
    "us dollar": "USD",
    "u.s. dollar": "USD",
    "united states dollar": "USD",
    "canadian dollar": "CAD",
    "australian dollar": "AUD",
    "new zealand dollar": "NZD",
    "singapore dollar": "SGD",
    "hong kong dollar": "HKD",
    "euro": "EUR",
    "pound sterling": "GBP",
    "pounds sterling": "GBP",
    "british pound": "GBP",
    "swiss franc": "CHF",
    "indian rupee": "INR",
    "japanese yen": "JPY",
    "pound": "GBP",
    "pounds": "GBP",
}

_NAME_PATTERN = "|".join(sorted((re.escape(name) for name in NAMES), key=len, reverse=True))
_CODE_PATTERN = "|".join(sorted(CODES))
# "All amounts are in Canadian dollars", "fees are denominated in EUR", "Currency: AUD", "Fees (CAD)".
_STATEMENT = re.compile(
    rf"(?:(?:amounts?|fees|prices|sums|payments|figures|values|rates)\b[^.\n]{{0,60}}?"
    rf"\b(?:in|denominated in|expressed in|stated in|payable in|quoted in)\s+(?:the\s+)?"
    rf"|\bcurrency\s*[:\-]\s*|\bcurrency\s+(?:is|shall be|will be)\s+(?:the\s+)?)"
    rf"(?P<currency>(?:{_NAME_PATTERN})s?|{_CODE_PATTERN})\b",
    re.IGNORECASE,
)


def code_of(token: str) -> str | None:
    """The ISO code for a symbol, code or currency name as written; None for '$' alone (the document's)."""
    stripped = token.strip()
    if stripped in SYMBOLS:
        return SYMBOLS[stripped]
    if stripped.upper() in CODES and stripped.isupper():
        return stripped.upper()
    return NAMES.get(stripped.lower().rstrip("s")) or NAMES.get(stripped.lower())


def stated_currency(text: str) -> tuple[str, int, int] | None:
    """The currency the document says its amounts are in, with the span of that statement."""
    for match in _STATEMENT.finditer(text):
        token = match.group("currency")
        code = code_of(token) if not token.isupper() else (token if token in CODES else None)
        if code:
            return code, match.start(), match.end()
    return None
