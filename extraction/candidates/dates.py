"""Date candidates: every complete date the document writes, described by what surrounds it, for the learned
date chooser (extraction/date_model.py).

A candidate is described the same way whichever field it may be: the label it stands under (by the label's
key), the cue words before it in its sentence, the meaning of its section's heading, whether it sits in a
signature block or a running header, where it is in the document, and whether it is the first date to carry
a cue. Not how it compares with the other dates (earliest, latest, repeated): on generated documents those
follow the generator's habits, and a chooser that learned them misread documents with one date. The chooser
learns, per field, which of these make a date that field; nothing here decides it.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from extraction.candidates.labels import LabelValue
from extraction.candidates.signatures import SignatureBlock
from extraction.layout import Layout
from extraction.normalize.dates import DateMatch

DATE_FIELDS: Final = ("effective_date", "start_date", "end_date")

# A definition of the effective date right before the date: '"Effective Date" means', and in a definitions
# list whose terms are not quoted, "EFFECTIVE DATE means 18 May 2000;".
DEFINES_EFFECTIVE: Final = re.compile(
    r'(?:["“]effective\s+date["”]|(?:^|(?<=\n))[ \t]*(?:\d+(?:\.\d+)*\.?\s+)?effective\s+date)'
    r"\s+(?:shall\s+)?means?\s+$",
    re.I,
)
# A term that ends on the first of two events, or the last: "shall expire on the later of (i) …".
LATER_OF: Final = (
    r"\b(?:expir\w*|terminat\w*|end)\s+(?:on\s+|upon\s+|at\s+)?the\s+(?:later|earlier)\s+of\s*:?\s*"
    r"(?:\(\s*[a-z1]{1,3}\s*\)\s*)?"
)
# The phrasings that state a field's date right before it, in its sentence.
PROSE_CUES: Final[dict[str, tuple[re.Pattern[str], ...]]] = {
    "effective_date": (
        re.compile(
            # "executed as of", "hereby execute this Agreement as of"
            r"\b(?:effective|execut(?:ed|es?)(?:\s+this\s+(?:Agreement|Contract))?(?=\s+as\s+of)|(?:entered\s+into|made)(?:\s+(?:by\s+and\s+)?between\s+the\s+parties)?"
            r"|dated(?:\s+for\s+reference)?)\s+(?:as\s+of|as|on|from)?\s*(?:this\s+)?(?:the\s+)?(?:day\s+of\s+)?$",
            re.I,
        ),
        DEFINES_EFFECTIVE,
    ),
    "start_date": (
        re.compile(r"\b(?:commenc\w*|begin\w*|start\w*)\s+(?:on|as\s+of|from)\s+(?:or\s+about\s+)?$", re.I),
        re.compile(r"\bperiod\s+of\s+performance\b[^.]{0,40}?(?:from\s+)?$", re.I),
        # "The Services will be performed from April 1, 2026 to …", "the engagement runs from …"
        re.compile(r"\b(?:services|work|engagement|project|assignment)\b[^.;]{0,60}?\bfrom\s+$", re.I),
    ),
    "end_date": (
        re.compile(
            r"(?:\b(?:completed\s+(?:by|on)|end(?:s|ing)?\s+on|conclud\w*\s+on|expir\w*(?:\s+on)?|terminat\w*\s+on|extended\s+(?:to|until)"
            r"|continu\w*\s+(?:until|through)|through(?:\s+and\s+including)?|until|up\s+to\s+and\s+including"
            # "commencing on January 1, 2020 and concluding December 31, 2022", "… and ending June 30, 2021"
            r"|and\s+(?:conclud|end)ing)"
            # "will end the later of (i) December 15, 1999 or (ii) …"
            rf"|{LATER_OF}"
            # a definition: '"Expiration Date" means March 31, 2020'
            r"|[\"“](?:[\w-]+\s+){0,2}(?:expiration|termination|end)\s+date[\"”]\s+(?:shall\s+)?means?)\s+$",
            re.I,
        ),
        re.compile(r"\b(?:\d{1,2}|[A-Za-z]+\s+\d{1,2},)\s*\d{4}\s*(?:to|through|until|-)\s*$", re.I),
        # the second date of a range "from <date> to <date>", in any way of writing the first
        re.compile(r"\bfrom\s+[^;\n]{4,30}?[\d.]\s*(?:to|through|until|till|\u2013|-)\s*$", re.I),
    ),
}
# Dates after these words are another document's or a proposal's validity, not this document's dates.
FOREIGN: Final = re.compile(
    r"(?:\b(?:valid|validity|previously|original|offer)\b[^.]{0,60}"
    r"|\b(?:under|amends|to)\s+(?:the\s+)?[^.()]{0,70}\bdated\s+(?:as\s+of\s+)?"
    # "that certain Mutual Non-Disclosure Agreement between them dated …", "the letter agreements, dated …"
    r"|\bthat\s+certain\b[^.()]{0,100}\bdated\s+(?:as\s+of\s+)?|\bagreements,?\s+dated\s+(?:as\s+of\s+)?)$",
    re.I,
)
EFFECTIVE_TERM: Final = re.compile(r'^\s*\((?:the\s+)?"Effective\s+Date"\)', re.I)
# A date that defines a term right after it: '(the "Commencement Date")'; what the term is called.
_DEFINES: Final = re.compile(r'^\s*\((?:the\s+|an?\s+)?["“](?P<term>[^"”]{1,40})["”]\)', re.I)
_DEFINED_AS: Final[dict[str, re.Pattern[str]]] = {
    "start": re.compile(r"\b(?:commencement|start|begin\w*)\b", re.I),
    "end": re.compile(r"\b(?:expir\w*|termination|end|completion)\b", re.I),
}
_RANGE_START: Final = re.compile(r"^\s*(?:to|through|until|-|–|and\s+(?:ending|end|expir\w*))\b", re.I)
# Words before a date that say what kind of date it is, grouped by meaning (general contract vocabulary).
_WORDS: Final[dict[str, re.Pattern[str]]] = {
    "effective": re.compile(r"\beffective\b", re.I),
    "dated": re.compile(r"\b(?:dated|made|entered\s+into|as\s+of)\b", re.I),
    "commence": re.compile(r"\b(?:commenc\w*|start\w*|begin\w*|kick-?off)\b", re.I),
    "expire": re.compile(r"\b(?:expir\w*|terminat\w*|end(?:s|ing|ed)?|complet\w*|conclu\w*)\b", re.I),
    "until": re.compile(r"\b(?:through|until|till|to)\b", re.I),
    "signed": re.compile(r"\b(?:sign\w*|execut\w*|witness\w*)\b", re.I),
    "earlier": re.compile(r"\b(?:amend\w*|original\w*|prior|previous\w*|supersed\w*|former\w*)\b", re.I),
    "notice": re.compile(r"\bnotice\b", re.I),
    "payment": re.compile(r"\b(?:invoic\w*|payment|paid|payable|due)\b", re.I),
    "delivery": re.compile(r"\b(?:deliver\w*|milestone|phase|acceptance)\b", re.I),
    "renewal": re.compile(r"\b(?:renew\w*|extend\w*|extension|anniversary)\b", re.I),
    "period": re.compile(r"\b(?:term|period|duration)\b", re.I),
    "reference": re.compile(
        r"\b(?:that\s+certain|pursuant\s+to|under\s+(?:the|that|a)|referred\s+to|as\s+amended|between)\b",
        re.I,
    ),
}
# The sentence names the document itself: "This Agreement is made …", '(the "Agreement") is entered into'.
_SELF: Final = re.compile(
    r"\b(?:this|the\s+present)\s+(?:[A-Z][\w&-]*\s+){0,4}?(?:Agreement|Contract|Amendment|Order|Statement\s+of\s+Work"
    r"|SOW|Addendum|Letter|Proposal)\b|\((?:the\s+|this\s+)?[\"“](?:Agreement|Contract|Amendment|Order|SOW)[\"”]\)"
)
SENTENCE_BEFORE: Final = 300
_SECTIONS: Final = ("term", "signatures", "fees", "payment", "renewal", "termination", "other")
# A date that is the first in reading order to carry one of these features is marked so: a document states
# its own dates before it refers to others'.
_FIRSTS: Final = (
    *(f"label_{name}" for name in DATE_FIELDS),
    *(f"cue_{name}" for name in DATE_FIELDS),
    "defines_effective_date",
    "word_effective",
    "word_dated",
    "word_commence",
    "word_expire",
)
# How far before a date its cue words are read (within its sentence).
BEFORE: Final = 90
AFTER: Final = 40

FEATURE_NAMES: Final[tuple[str, ...]] = (
    *(f"label_{name}" for name in DATE_FIELDS),
    *(f"weak_label_{name}" for name in DATE_FIELDS),
    "label_other",
    *(f"cue_{name}" for name in DATE_FIELDS),
    "defines_effective_date",
    *(f"defines_{name}" for name in _DEFINED_AS),
    "defines_other",
    "foreign",
    "starts_a_range",
    *(f"word_{name}" for name in _WORDS),
    "names_this_document",
    *(f"section_{name}" for name in _SECTIONS),
    "signature_block",
    "running_header_or_footer",
    "addressed_to_reader",
    "first_page",
    "first_tenth",
    "last_tenth",
    "on_a_label_line",
    "latest_signed",
    *(f"first_{name}" for name in _FIRSTS),
)


@dataclass(frozen=True)
class DateCandidate:
    """A complete date written at [start, end) of the layout's text, with its features (FEATURE_NAMES)."""

    value: date
    start: int
    end: int
    features: tuple[float, ...]


def date_candidates(
    layout: Layout, values: tuple[LabelValue, ...], blocks: tuple[SignatureBlock, ...]
) -> tuple[DateCandidate, ...]:
    """Every complete date of the document, in reading order, described for the date chooser."""
    complete = [match for match in layout.dates if match.value is not None]
    if not complete:
        return ()
    length = max(1, len(layout.text))
    first_page_end = next((line.start for line in layout.lines if line.page > 1), length)
    signed = [
        match.value
        for match in complete
        if match.value is not None and any(b.entries and b.start <= match.start <= b.end for b in blocks)
    ]
    last_signed = max(signed, default=None)
    rows = []
    for match in complete:
        assert match.value is not None
        label = _label_of(values, match)
        flags = (
            *(label is not None and label.key == name and label.labelled for name in DATE_FIELDS),
            *(label is not None and label.key == name and not label.labelled for name in DATE_FIELDS),
            label is not None and label.key not in DATE_FIELDS,
            *_cues(layout, match),
            *_words(layout, match),
            *(name in layout.kinds_at(match.start) for name in _SECTIONS),
            match.value in signed,
            _in_furniture(layout, match),
            layout.addressed_to_reader(match.start),
            match.start < first_page_end,
            match.start < length / 10,
            match.start > length * 9 / 10,
            _on_a_label_line(layout, match),
            match.value == last_signed,
        )
        rows.append(tuple(1.0 if flag else 0.0 for flag in flags))
    return tuple(
        DateCandidate(match.value, match.start, match.end, row + firsts)
        for match, row, firsts in zip(complete, rows, _first_of_each(rows), strict=True)
        if match.value is not None
    )


def _first_of_each(rows: list[tuple[float, ...]]) -> list[tuple[float, ...]]:
    """Per row, for each feature of _FIRSTS, 1 when no earlier row has it."""
    columns = [FEATURE_NAMES.index(name) for name in _FIRSTS]
    seen: set[int] = set()
    marks = []
    for row in rows:
        marks.append(tuple(1.0 if row[c] and c not in seen else 0.0 for c in columns))
        seen.update(c for c in columns if row[c])
    return marks


def _label_of(values: tuple[LabelValue, ...], match: DateMatch) -> LabelValue | None:
    return next((item for item in values if item.value_start <= match.start < item.value_end), None)


def _before(layout: Layout, match: DateMatch) -> str:
    sentence_start, _ = layout.sentence_at(match.start)
    return layout.text[max(sentence_start, match.start - BEFORE) : match.start]


def _cues(layout: Layout, match: DateMatch) -> tuple[bool, ...]:
    before = _before(layout, match)
    after = layout.text[match.end : match.end + AFTER]
    defined = _DEFINES.match(after)
    term = defined.group("term") if defined else ""
    named = [bool(pattern.search(term)) for pattern in _DEFINED_AS.values()]
    return (
        *(any(pattern.search(before) for pattern in PROSE_CUES[name]) for name in DATE_FIELDS),
        bool(EFFECTIVE_TERM.match(after)),
        *named,
        bool(defined) and not EFFECTIVE_TERM.match(after) and not any(named),
        bool(FOREIGN.search(before)),
        bool(_RANGE_START.match(after)),
    )


def _words(layout: Layout, match: DateMatch) -> tuple[bool, ...]:
    before = _before(layout, match)
    sentence_start, _ = layout.sentence_at(match.start)
    sentence = layout.text[max(sentence_start, match.start - SENTENCE_BEFORE) : match.start]
    return (*(bool(pattern.search(before)) for pattern in _WORDS.values()), bool(_SELF.search(sentence)))


def _in_furniture(layout: Layout, match: DateMatch) -> bool:
    line = layout.line_at(match.start)
    return line is not None and line.index in layout.furniture


def _on_a_label_line(layout: Layout, match: DateMatch) -> bool:
    """The date follows a short run of words and a colon on its line ("Date of order: 3 March 2026")."""
    line = layout.line_at(match.start)
    if line is None:
        return False
    head = layout.text[line.start : match.start]
    return bool(re.search(r"^[^.:]{1,40}:\s*$", head))
