"""Places: whether a name read as a party's is a country, a jurisdiction or an address.

A recital or a signature block puts a party's address and the law it is formed under right beside its name
("… organized under the laws of the Republic of Chile", "Mong Kok, Hong Kong", "Fleet Street, London,
United Kingdom, EC4Y 1AA"); a name that is one of these names no party. Country names come from the
Unicode CLDR through babel (English names of every ISO 3166 territory), not from a list of our own.
"""

import re
from functools import cache
from typing import Final

from babel import Locale

# "Hong Kong SAR China" is written "Hong Kong"; "Myanmar (Burma)" is written "Myanmar".
_QUALIFIER: Final = re.compile(r"\s+(?:SAR\s+China|\([^)]*\))$")
# A state's own formal name and nothing more: "State of Florida", "the Republic of Korea", "Kingdom of
# Spain" (an agency named after it, "State of Nevada Department of Transportation", is a party).
_JURISDICTION: Final = re.compile(
    r"(?:the\s+)?(?:(?:federal|people'?s|united)\s+)?(?:state|states|commonwealth|province|republic|kingdom"
    r"|emirate|principality|grand\s+duchy)\s+of\s+(?:the\s+)?[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,2}",
    re.IGNORECASE,
)
# Postal codes: UK ("EC4Y 1AA"), Canadian ("V5H 2A9"), and plain numbers of 4-6 digits (US ZIP + 4).
_POSTCODE: Final = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|[A-Z]\d[A-Z]\s*\d[A-Z]\d|\d{4,6}(?:-\d{4})?)\b"
)
_STREET: Final = re.compile(
    r"\b(?:road|street|avenue|lane|highway|boulevard|blvd|drive|suite|floor|plaza|p\.?\s?o\.?\s+box)\b", re.I
)


@cache
def countries() -> frozenset[str]:
    """English names of the ISO 3166 countries and territories, lower-case, with and without qualifier."""
    names: set[str] = set()
    for code, name in Locale("en").territories.items():
        if code.isalpha():  # letter codes are countries; numeric codes are UN regions ("Europe")
            names |= {name.lower(), _QUALIFIER.sub("", name).lower()}
    return frozenset(names)


def is_place(name: str) -> bool:
    """A country, a state's formal name, or an address (ending in a country, or a numbered street)."""
    text = name.strip(" .,;")
    if _JURISDICTION.fullmatch(text):
        return True
    parts = [part.strip() for part in re.split(r"[,.;]\s+", _POSTCODE.sub("", text)) if part.strip(" .,;")]
    last = re.sub(r"^the\s+", "", parts[-1].strip(" .,;").lower()) if parts else ""
    return last in countries() or bool(_STREET.search(text) and re.search(r"\d", text))
