"""Evidence a reviewer supplies with a correction: a span or a quote of the document's parsed text.

Supplied evidence is grounded by construction: a span becomes the quote the text holds there
(extraction.grounding.evidence), a quote is looked up in the text (on its page when one is named).
"""

from typing import Any

from pydantic import Field, model_validator

from extraction.grounding import evidence
from models.base import FrozenModel
from models.document import ParsedDocument
from review.errors import InvalidValue


class EvidenceInput(FrozenModel):
    """Either `quote` (verbatim text of the document, optionally on `page`) or `char_start`/`char_end`."""

    quote: str | None = Field(default=None, min_length=1, max_length=2000)
    page: int | None = Field(default=None, ge=1)
    char_start: int | None = Field(default=None, ge=0)
    char_end: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_kind(self) -> "EvidenceInput":
        has_span = self.char_start is not None and self.char_end is not None
        if (self.quote is None) == (not has_span):
            raise ValueError("give either quote, or char_start and char_end")
        if self.char_end is not None and self.char_start is not None and self.char_end <= self.char_start:
            raise ValueError("char_end must be after char_start")
        return self


def grounded(doc: ParsedDocument, supplied: EvidenceInput) -> list[dict[str, Any]]:
    """The supplied evidence as Evidence JSON; InvalidValue when the document does not hold it."""
    start, end = _span(doc, supplied)
    pieces = evidence(doc, start, end)
    if not pieces:
        raise InvalidValue("the evidence span holds no text of the document")
    return [piece.model_dump(mode="json") for piece in pieces]


def _span(doc: ParsedDocument, supplied: EvidenceInput) -> tuple[int, int]:
    if supplied.quote is None:
        assert supplied.char_start is not None and supplied.char_end is not None
        if supplied.char_end > len(doc.text):
            raise InvalidValue(f"the evidence span ends past the document's {len(doc.text)} characters")
        return supplied.char_start, supplied.char_end
    lo, hi = 0, len(doc.text)
    if supplied.page is not None:
        page = next((p for p in doc.pages if p.number == supplied.page), None)
        if page is None:
            raise InvalidValue(f"the document has no page {supplied.page}")
        lo, hi = page.char_start, page.char_end
    found = doc.text.find(supplied.quote, lo, hi)
    if found < 0:
        raise InvalidValue(f"the quote {supplied.quote[:60]!r} is not in the document's text")
    return found, found + len(supplied.quote)
