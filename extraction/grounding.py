"""Evidence from character spans, and the grounding check every record passes before it leaves extraction.

A value is kept only when each of its evidence quotes occurs in the text of its page (whitespace-normalised)
and `text[char_start:char_end]` is that quote. A quote whose offsets are wrong but which occurs exactly once
on its page is moved to where it occurs; anything else nulls the value, with the reason in `warnings`.
"""

import re
from dataclasses import dataclass
from typing import Any, TypeVar

from models.base import FrozenModel
from models.document import PageText, ParsedDocument, ParseStatus
from models.record import Evidence, FieldValue, HandoffRecord, RecordFields

M = TypeVar("M", bound=FrozenModel)

_SPACE = re.compile(r"\s+")
# Evidence quotes are kept readable: a longer span is cut down to its start and end on the same page.
MAX_QUOTE = 400


def squash(text: str) -> str:
    """Whitespace-normalised text: runs of whitespace become one space, ends stripped."""
    return _SPACE.sub(" ", text).strip()


def evidence(doc: ParsedDocument, start: int, end: int) -> tuple[Evidence, ...]:
    """Evidence for doc.text[start:end], one piece per page the span touches, trimmed of outer whitespace."""
    pieces: list[Evidence] = []
    for page in doc.pages:
        lo, hi = max(start, page.char_start), min(end, page.char_end)
        if lo >= hi:
            continue
        while lo < hi and doc.text[lo].isspace():
            lo += 1
        while hi > lo and doc.text[hi - 1].isspace():
            hi -= 1
        if hi - lo > MAX_QUOTE:
            hi = lo + MAX_QUOTE
            while hi > lo and doc.text[hi - 1].isspace():
                hi -= 1
        if lo < hi:
            pieces.append(Evidence(page=page.number, quote=doc.text[lo:hi], char_start=lo, char_end=hi))
    return tuple(pieces)


@dataclass(frozen=True)
class _Squashed:
    """A page's whitespace-normalised text with, for each of its characters, the offset it came from."""

    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, page: PageText) -> "_Squashed":
        chars: list[str] = []
        origin: list[int] = []
        for match in re.finditer(r"\S+", page.text):
            if chars:
                chars.append(" ")
                origin.append(page.char_start + match.start() - 1)
            chars.extend(match.group())
            origin.extend(range(page.char_start + match.start(), page.char_start + match.end()))
        return cls("".join(chars), tuple(origin))

    def occurrences(self, quote: str) -> list[tuple[int, int]]:
        """Document offsets [start, end) of each occurrence of the squashed quote."""
        spans = []
        position = self.text.find(quote)
        while position >= 0:
            spans.append((self.origin[position], self.origin[position + len(quote) - 1] + 1))
            position = self.text.find(quote, position + 1)
        return spans


class _Grounder:
    def __init__(self, doc: ParsedDocument) -> None:
        self.doc = doc
        self.pages = {page.number: page for page in doc.pages}
        self._squashed: dict[int, _Squashed] = {}
        self.warnings: list[str] = []

    def page_text(self, number: int) -> _Squashed:
        if number not in self._squashed:
            self._squashed[number] = _Squashed.of(self.pages[number])
        return self._squashed[number]

    def check(self, item: Evidence) -> Evidence | str:
        """The evidence as it stands, moved to where its quote really is, or the reason it is not grounded."""
        quote = squash(item.quote)
        if not quote:
            return "its quote is empty"
        number = item.page
        if number is None:  # a format without pages: the offsets say which page of the parse it is on
            located = self.doc.page_at(item.char_start)
            number = located.number if located else None
        if number not in self.pages:
            return f"its page {item.page} is not a page of the document"
        page = self.pages[number]
        squashed = self.page_text(page.number)
        if quote not in squashed.text:
            return f"its quote does not occur on page {page.number}: {quote[:80]!r}"
        in_page = page.char_start <= item.char_start < item.char_end <= page.char_end
        if in_page and squash(self.doc.text[item.char_start : item.char_end]) == quote:
            return item.model_copy(update={"page": number})
        spans = squashed.occurrences(quote)
        if len(spans) != 1:
            return f"its offsets are wrong and its quote occurs {len(spans)} times on page {page.number}"
        start, end = spans[0]
        return item.model_copy(update={"page": number, "char_start": start, "char_end": end})

    def ground(self, where: str, value: FieldValue[Any]) -> FieldValue[Any]:
        if value.value is None:
            return value
        if not value.evidence:
            self.warnings.append(f"{where}: value nulled: it has no evidence")
            return FieldValue()
        grounded: list[Evidence] = []
        for item in value.evidence:
            outcome = self.check(item)
            if isinstance(outcome, str):
                self.warnings.append(f"{where}: value nulled: {outcome}")
                return FieldValue()
            grounded.append(outcome)
        return value.model_copy(update={"evidence": tuple(grounded)})


def ground(record: HandoffRecord, doc: ParsedDocument) -> HandoffRecord:
    """The record with every value that lacks grounded evidence nulled, and a warning for each. Every
    FieldValue is checked wherever it sits: the scalar fields, list items, and record-level extensions."""
    grounder = _Grounder(doc)
    update: dict[str, Any] = {}
    for name in type(record).model_fields:
        value = getattr(record, name)
        if isinstance(value, FieldValue):
            update[name] = grounder.ground(name, value)
        elif isinstance(value, RecordFields):
            update[name] = _grounded_model(grounder, "", value)
        elif isinstance(value, tuple) and value and isinstance(value[0], FieldValue):
            kept = (grounder.ground(f"{name}[{i}]", item) for i, item in enumerate(value))
            update[name] = tuple(item for item in kept if item.value is not None)
        elif isinstance(value, tuple) and value and isinstance(value[0], FrozenModel):
            items = (_grounded_model(grounder, f"{name}[{i}].", item) for i, item in enumerate(value))
            update[name] = tuple(item for item in items if any(_stated(v) for v in dict(item).values()))
    if grounder.warnings:
        update["warnings"] = (*record.warnings, *grounder.warnings)
        update["status"] = ParseStatus.partial
    return record.model_copy(update=update)


def _grounded_model(grounder: _Grounder, prefix: str, model: M) -> M:
    """A record part (the fields, a milestone, a contact…) with each of its values grounded."""
    values = {
        name: grounder.ground(f"{prefix}{name}", value)
        for name, value in dict(model).items()
        if isinstance(value, FieldValue)
    }
    return model.model_copy(update=values)


def _stated(value: object) -> bool:
    return isinstance(value, FieldValue) and value.value is not None
