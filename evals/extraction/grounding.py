"""The grounding invariant, checked independently of extraction's own grounding code.

An emitted value (any non-null FieldValue of the record: scalar fields, list items and their sub-fields,
record-level extensions) is grounded when it has at least one evidence item and every item:
- names a page of the document (a page-less item: the page its offsets fall on),
- has a quote that occurs, whitespace-normalised, in that page's text,
- has offsets inside that page whose slice of the document's full text is the quote (whitespace-normalised).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from models.base import FrozenModel
from models.document import PageText, ParsedDocument
from models.record import Evidence, FieldValue, HandoffRecord

_SPACE = re.compile(r"\s+")
# Extraction's warning for a value it nulled because its evidence did not hold (extraction/grounding.py).
NULLED_MARK = "value nulled"


def squashed(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Ungrounded:
    field: str
    value: Any
    reason: str


@dataclass(frozen=True)
class GroundingCheck:
    emitted: int  # non-null values in the record
    grounded: int
    failures: tuple[Ungrounded, ...]
    nulled_by_extraction: int  # values extraction itself dropped for want of grounded evidence


def field_values(record: HandoffRecord) -> Iterator[tuple[str, FieldValue[Any]]]:
    """Every FieldValue of the record with its path ("fields.client_name", "milestones[0].amount"…)."""
    yield from _walk(record, "")


def _walk(model: FrozenModel, prefix: str) -> Iterator[tuple[str, FieldValue[Any]]]:
    for name, value in dict(model).items():
        path = f"{prefix}{name}"
        if isinstance(value, FieldValue):
            yield path, value
        elif isinstance(value, FrozenModel):
            yield from _walk(value, f"{path}.")
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, FieldValue):
                    yield f"{path}[{index}]", item
                elif isinstance(item, FrozenModel):
                    yield from _walk(item, f"{path}[{index}].")


def evidence_problem(item: Evidence, doc: ParsedDocument) -> str | None:
    """Why the evidence item is not grounded in `doc`, or None when it is."""
    page = _page_of(item, doc)
    if page is None:
        return f"page {item.page} is not a page of the document"
    quote = squashed(item.quote)
    if not quote or quote not in squashed(page.text):
        return f"the quote does not occur on page {page.number}"
    if not page.char_start <= item.char_start < item.char_end <= page.char_end:
        return f"offsets {item.char_start}:{item.char_end} are not on page {page.number}"
    if squashed(doc.text[item.char_start : item.char_end]) != quote:
        return f"offsets {item.char_start}:{item.char_end} do not index the quote"
    return None


def _page_of(item: Evidence, doc: ParsedDocument) -> PageText | None:
    if item.page is None:
        return doc.page_at(item.char_start)
    return next((page for page in doc.pages if page.number == item.page), None)


def value_problem(value: FieldValue[Any], doc: ParsedDocument) -> str | None:
    if not value.evidence:
        return "no evidence"
    problems = (evidence_problem(item, doc) for item in value.evidence)
    return next((problem for problem in problems if problem is not None), None)


def check_grounding(record: HandoffRecord, doc: ParsedDocument) -> GroundingCheck:
    emitted = [(path, value) for path, value in field_values(record) if value.value is not None]
    failures = tuple(
        Ungrounded(path, value.model_dump(mode="json")["value"], problem)
        for path, value in emitted
        if (problem := value_problem(value, doc)) is not None
    )
    return GroundingCheck(
        emitted=len(emitted),
        grounded=len(emitted) - len(failures),
        failures=failures,
        nulled_by_extraction=sum(NULLED_MARK in warning for warning in record.warnings),
    )
