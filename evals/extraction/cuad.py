"""What CUAD's labels (cuad_labels.json: one row of CUAD v1 master_clauses.csv) say a record should hold.

Pure. CUAD labels parties, dates, renewal and governing law, not in the record's terms, so each field has
its matching rule:

- client_name, provider_name: CUAD does not say which party is the client. Each must match one of the
  listed parties: the `Parties` answer split at ';', text in parentheses removed, and parts that are no
  name dropped (those defining the parties collectively — "Each Party…", "together, … shall be referred
  to as" — and those joining role labels — "Company and Consultant"). Match:
  rapidfuzz `partial_ratio` ≥ 90 between the case-folded, punctuation-free strings, and the extracted name
  must have a word besides legal forms and articles ("Limited" alone matches nothing).
- effective_date: any complete date of `Effective Date` or `Agreement Date`. When neither is a complete
  date but one is blank in the document ("[]/[]/2020", i.e. "dated as of ____, 2020"), null is expected.
  Not scored when both are empty.
- end_date: a complete date of `Expiration Date`; null when it is blank; not scored when it is not a date
  ("perpetual", empty).
- governing_law: the extracted jurisdiction is contained in the `Governing Law` answer, or a part of the
  answer (split at ';' and ',') is contained in the extracted value, as whole words after case-folding and
  dropping "state of"/"commonwealth of". An empty answer (CUAD found no such clause) expects null.
- auto_renewal: `Renewal Term` non-empty expects true; empty accepts false or null.
CUAD dates are M/D/YY (D/M when the first number exceeds 12); two-digit years ≥ 50 are 19xx.
"""

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from rapidfuzz import fuzz

from evals.extraction.scoring import Expected

PARTY_MATCH: Final = 90
CUAD_FIELDS: Final = (
    "client_name",
    "provider_name",
    "effective_date",
    "end_date",
    "governing_law",
    "auto_renewal",
)
# Words that do not tell one company from another: legal forms, articles, initials of "N.A.", "B.V."…
_LEGAL_WORDS: Final = frozenset(
    "inc incorporated llc lp llp ltd limited corp corporation co company plc gmbh ag sa nv na bv pte "  # noqa: SIM905
    "the of and a s l p n b v".split()
)
_DEFINING_WORDS: Final = frozenset({"party", "parties", "each", "collectively", "together", "referred"})
_PARENTHESES = re.compile(r"\([^()]*\)")
_QUOTED = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")
_NOT_WORD = re.compile(r"[^\w]+")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")
_LAW_NOISE = re.compile(r"\b(?:the )?(?:state|commonwealth|province|laws?) of\b")


def words(text: str) -> str:
    """Case-folded, "&" read as "and" (as triage/names.py reads a name), other punctuation replaced by spaces,
    whitespace squashed."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold().replace("&", " and ")).split())


def parties(answer: str) -> tuple[str, ...]:
    """The names in a `Parties` answer (see the module's docstring)."""
    roles = {word for label in _QUOTED.findall(answer) for word in words(label).split()}
    text = answer
    while _PARENTHESES.search(text):
        text = _PARENTHESES.sub("", text)
    names = (part.strip(" ,") for part in text.split(";"))
    return tuple(name for name in names if _is_name(name, roles))


def _is_name(part: str, roles: set[str]) -> bool:
    found = set(words(part).split())
    joins_roles = "and" in found and found - {"and"} <= roles
    return bool(found - _LEGAL_WORDS) and not found & _DEFINING_WORDS and not joins_roles


def same_party(extracted: Any, party: Any) -> bool:
    name = words(str(extracted))
    if not any(word not in _LEGAL_WORDS for word in name.split()):
        return False
    return fuzz.partial_ratio(name, words(str(party))) >= PARTY_MATCH


def cuad_date(text: str) -> date | None:
    match = _DATE.match(text.strip())
    if not match:
        return None
    first, second, year = (int(group) for group in match.groups())
    month, day = (second, first) if first > 12 else (first, second)
    if year < 100:
        year += 1900 if year >= 50 else 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def dates_of(answer: str) -> tuple[list[str], bool]:
    """The complete dates of a date answer (ISO), and whether a part of it is a blank date ("[]")."""
    parts = [part.strip() for part in answer.split(";") if part.strip()]
    found = [parsed.isoformat() for part in parts if (parsed := cuad_date(part))]
    return found, any("[]" in part for part in parts)


def date_expectation(*answers: str) -> Expected | None:
    found: list[str] = []
    blank = False
    for answer in answers:
        dates, has_blank = dates_of(answer)
        found.extend(value for value in dates if value not in found)
        blank = blank or has_blank
    if found:
        return Expected(tuple(found))
    return Expected((None,)) if blank else None


def _jurisdiction(text: str) -> str:
    return f" {words(_LAW_NOISE.sub(' ', text.casefold()))} "


def same_law(extracted: Any, answer: Any) -> bool:
    value, stated = _jurisdiction(str(extracted)), _jurisdiction(str(answer))
    if not value.strip():
        return False
    parts = (_jurisdiction(part) for part in re.split(r"[;,]", str(answer)))
    return value in stated or any(part.strip() and part in value for part in parts)


def answer_of(labels: Mapping[str, Any], category: str) -> str:
    label = labels.get(category) or {}
    return str(label.get("answer") or "").strip()


def expectations(labels: Mapping[str, Any]) -> dict[str, Expected]:
    """The scored fields of one CUAD contract and what each may be; unscored fields are left out."""
    names = parties(answer_of(labels, "Parties"))
    law = answer_of(labels, "Governing Law")
    found: dict[str, Expected | None] = {
        "client_name": Expected(names, same_party) if names else None,
        "provider_name": Expected(names, same_party) if names else None,
        "effective_date": date_expectation(
            answer_of(labels, "Effective Date"), answer_of(labels, "Agreement Date")
        ),
        "end_date": date_expectation(answer_of(labels, "Expiration Date")),
        "governing_law": Expected((law,), same_law) if law else Expected((None,)),
        "auto_renewal": Expected((True,)) if answer_of(labels, "Renewal Term") else Expected((False, None)),
    }
    return {field: expected for field, expected in found.items() if expected is not None}
