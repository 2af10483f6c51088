"""Company-name comparison: are two names the same legal entity, written differently?

The rule, in order:
1. Normalise both names to their distinctive words: accents folded, case folded, "&" read as "and", dots and
   apostrophes dropped inside words ("L.L.C." → "llc"), other punctuation read as a space, a leading "The"
   dropped, and trailing legal-form words stripped ("Inc.", "Corp.", "Corporation", "LLC", "GmbH", "Pty Ltd",
   "& Co." …). So "ACME Corp." and "Acme Corporation" both become `acme`.
2. The same distinctive words → the same entity ("Northwind Health, Inc." = "Northwind Health").
3. A different number of distinctive words → different entities: a word added or dropped names another
   company ("Keystone Freight Lines" ≠ "Keystone Freight Inc.").
4. Otherwise the names match only as a typo or OCR slip would make them: word by word, short words (under
   five letters) are equal and longer ones differ by at most one edit, and the rapidfuzz ratio of the whole
   normalised names reaches the policy's `name_match` threshold ("Northwlnd Health" = "Northwind Health";
   "ACME Corp." ≠ "ACNE Corp.").

Abbreviations of a name ("ACME" for "A Company Making Everything") are not expanded: they are reported as a
mismatch for a person to confirm.
"""

import re
import unicodedata
from typing import Final

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

LEGAL_FORMS: Final = frozenset(
    {
        "ab", "ag", "aps", "as", "asa", "bhd", "bv", "co", "company", "corp", "corporation", "cv", "dac",
        "gmbh", "inc", "incorporated", "kft", "kg", "kgaa", "kk", "lda", "limited", "llc", "llp", "lp", "ltd",
        "ltda", "nv", "oy", "oyj", "pc", "plc", "pllc", "private", "pte", "pty", "pvt", "sa", "sarl", "sas",
        "sdn", "se", "sl", "spa", "sro", "srl", "ulc",
    }
)  # fmt: skip
# Words left dangling once a legal form is stripped: "Smith & Co." → "smith and", "Grupo Lince S.A. de C.V.".
CONNECTORS: Final = frozenset({"and", "de"})
SHORT_WORD: Final = 5
_INNER_MARKS = re.compile(r"[.'’`]")
_SEPARATORS = re.compile(r"[^\w]+")


def distinctive_words(name: str) -> tuple[str, ...]:
    """The words of a company name that tell it apart, after the normalisation of the module's rule 1."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").casefold()
    words = _SEPARATORS.sub(" ", _INNER_MARKS.sub("", folded.replace("&", " and "))).split()
    if words[:1] == ["the"]:
        words = words[1:]
    end = len(words)
    while end > 0 and (words[end - 1] in LEGAL_FORMS or words[end - 1] in CONNECTORS):
        end -= 1
    return tuple(words[:end]) if end else tuple(words)


def _words_pair_up(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    for one, other in zip(first, second, strict=True):
        if min(len(one), len(other)) < SHORT_WORD:
            if one != other:
                return False
        elif Levenshtein.distance(one, other) > 1:
            return False
    return True


def same_entity(first: str, second: str, threshold: float) -> bool:
    """True when the two names denote the same legal entity under the module's rule; `threshold` is 0..100."""
    one, other = distinctive_words(first), distinctive_words(second)
    if one == other:
        return True
    if len(one) != len(other) or not _words_pair_up(one, other):
        return False
    return fuzz.ratio(" ".join(one), " ".join(other)) >= threshold
