"""Periods, payment terms and governing-law jurisdictions as contracts word them.

"thirty (30) days" → 30, "three (3) months" → 90 (months × 30), "Net 45" → 45, "due on receipt" → 0,
"the laws of the State of New York" → "New York".
"""

import re

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "a": 1, "an": 1,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_WORD_NUMBER = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[\s-]+(?:{'|'.join(k for k in _UNITS if len(k) > 2)}))?"
    rf"|{'|'.join(sorted(_UNITS, key=len, reverse=True))})"
)
NUMBER = rf"(?:(?P<word>{_WORD_NUMBER})\s*(?:\(\s*(?P<paren>\d{{1,3}})\s*\))?|(?P<digits>\d{{1,3}}))"
_DAYS_PER_UNIT = {"day": 1, "business day": 1, "calendar day": 1, "week": 7, "month": 30, "year": 365}
PERIOD = re.compile(
    rf"\b{NUMBER}[\s-]*(?P<unit>(?:business |calendar )?days?|weeks?|months?|years?)(?:['’]s?)?(?!\w)",
    re.IGNORECASE,
)
_NET = re.compile(r"\bnet[\s-]*(?P<days>\d{1,3})\b|\bnet\s+(?P<word>" + _WORD_NUMBER + r")\b", re.IGNORECASE)
_ON_RECEIPT = re.compile(
    r"\b(?:due|payable|paid)\s+(?:immediately\s+)?(?:up)?on\s+(?:receipt|presentation)\b", re.IGNORECASE
)


def word_number(words: str) -> int | None:
    """'forty-five' → 45, 'thirty' → 30, 'a' → 1."""
    total = 0
    for part in re.split(r"[\s-]+", words.lower().strip()):
        if part in _TENS:
            total += _TENS[part]
        elif part in _UNITS:
            total += _UNITS[part]
        else:
            return None
    return total


def number_of(match: re.Match[str]) -> int | None:
    """The number a NUMBER group matched: the figure in brackets wins over the words ('thirty (30)')."""
    if match.group("digits"):
        return int(match.group("digits"))
    if match.group("paren"):
        return int(match.group("paren"))
    return word_number(match.group("word"))


def period_days(match: re.Match[str]) -> int | None:
    """Days in a PERIOD match; months count 30 days and years 365, as the spec normalises notice."""
    count = number_of(match)
    if count is None:
        return None
    unit = match.group("unit").lower().rstrip("s")
    return count * _DAYS_PER_UNIT[unit]


def payment_days(text: str) -> tuple[int, int, int] | None:
    """Payment terms as (days, start, end): 'Net 30', 'due on receipt', 'within 30 days of invoice'."""
    net = _NET.search(text)
    if net:
        days = int(net.group("days")) if net.group("days") else word_number(net.group("word"))
        return (days, net.start(), net.end()) if days is not None else None
    receipt = _ON_RECEIPT.search(text)
    if receipt:
        return 0, receipt.start(), receipt.end()
    for period in PERIOD.finditer(text):
        tail = text[period.end() : period.end() + 80].lower()
        head = text[max(0, period.start() - 80) : period.start()].lower()
        if re.search(_PAYS, head) or (
            re.search(r"\b(?:invoice|receipt)", tail) and not re.search(_OTHER_ACT, head)
        ):
            days = period_days(period)
            if days is not None:
                return days, period.start(), period.end()
    return None


# Words that make a period the time to pay; and acts on an invoice that are not paying it ("will return it to
# the contractor within seven days after … the invoice", "may dispute an invoice within ten days of receipt").
_PAYS = r"\b(?:pays?|payable|paid|payment)\b"
_OTHER_ACT = r"\b(?:return\w*|reject\w*|disput\w*|object\w*|notif\w*|review\w*|correct\w*|contest\w*)\b"


_PREFIXES = re.compile(
    r"^(?:the\s+)?(?:(?:state|commonwealth|province|canton|territory|district)\s+of\s+)", re.IGNORECASE
)
_LAWS_OF = re.compile(
    r"\b(?i:laws?(?:,[^,;.]{1,60},|\s+(?:and|&)\s+[a-z]+s)?\s+(?:of|in\s+force\s+in|applicable\s+in)\s+"
    # "the laws in the State of Washington", "the internal laws State of New York"
    r"|laws?\s+(?:in\s+)?(?=(?:the\s+)?(?:state|commonwealth|province)\s+of\s))"
    r"(?P<place>(?i:the\s+)?(?i:(?:state|commonwealth|province)\s+of\s+)?[A-Z][^,.;:()\n]{1,80})"
    r"|\b(?P<adjective>English|Scottish|German|French|Swiss|Irish|Dutch|Spanish|Italian|Swedish|PRC)\s+(?i:laws?)\b"
)
_STOP = re.compile(
    r"\s+(?:without|excluding|exclusive|notwithstanding|except|applicable|as\s+applied|in\s+force|"
    r"governs?|shall|will|and\s+(?:the\s+)?(?:courts?|federal|venue|each|any|all|both|you|its|the\s+parties)|"
    r"and\s+(?:of\s+)?the\s+United|and\s+(?:of\s+)?the\s+(?:federal\s+)?laws?\s+of|excluding|including|for\s+|to\s+|in\s+(?:respect|connection)|that\s|which\s"
    r"|regardless)\b.*$",
    re.IGNORECASE,
)
_BACK_REFERENCE = re.compile(
    r"\blaws?\s+(?:of\s+(?:that|such|said)\s+(?:state|commonwealth|province)\b|thereof\b)", re.I
)
_NAMED_STATE = re.compile(
    r"\b(?:State|Commonwealth|Province)\s+of\s+(?P<place>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
)
_ADJECTIVE_PLACES = {
    "english": "England and Wales",
    "scottish": "Scotland",
    "german": "Germany",
    "french": "France",
    "swiss": "Switzerland",
    "irish": "Ireland",
    "dutch": "Netherlands",
    "spanish": "Spain",
    "italian": "Italy",
    "swedish": "Sweden",
    "prc": "People's Republic of China",
}


def jurisdiction(text: str) -> tuple[str, int, int] | None:
    """The governing-law jurisdiction named in `text` (name only) with the span of the phrase naming it."""
    # some PDFs write a semicolon as U+037E, the Greek question mark: the name stops there too
    text = text.replace("\n", " ").replace("\u037e", ";")
    back = _BACK_REFERENCE.search(text)
    if back:
        # "entered into in the State of New Jersey, and … construed in accordance with the laws of that State"
        state = _NAMED_STATE.search(text)
        if state:
            return state.group("place"), min(back.start(), state.start()), max(back.end(), state.end())
    match = _LAWS_OF.search(text)
    if not match:
        return None
    if match.group("adjective"):
        return _ADJECTIVE_PLACES[match.group("adjective").lower()], match.start(), match.end()
    place = _STOP.sub("", match.group("place")).strip()
    place = _PREFIXES.sub("", place).strip()
    place = re.sub(r"^the\s+United\s+States\s+(?:of\s+America\s+)?and\s+(?:of\s+)?(?:the\s+)?", "", place)
    place = _PREFIXES.sub("", place).strip(" '\"")
    named = re.sub(r"^the\s+", "", place, flags=re.IGNORECASE)
    if not named or not named[0].isupper() or len(place.split()) > 6:
        return None
    if place.isupper():
        place = _title(place)
    place = re.sub(r"^the\s+", "", place, flags=re.IGNORECASE)
    return place, match.start(), match.start("place") + len(match.group("place").rstrip())


def _title(shouted: str) -> str:
    """'ENGLAND AND WALES' → 'England and Wales' for documents that write clauses in capitals."""
    small = {"and", "of", "the", "du", "de"}
    words = shouted.lower().split()
    return " ".join(w if w in small and i else w.capitalize() for i, w in enumerate(words))
