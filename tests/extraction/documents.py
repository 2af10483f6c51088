"""Real ParsedDocuments built from text, one string per page, and the grounding check every extraction test
applies to the records it gets."""

import hashlib
from textwrap import dedent
from typing import Any

from models.document import ParsedDocument, join_pages
from models.record import FieldValue, HandoffRecord


def document(
    *pages: str, ocr_pages: frozenset[int] = frozenset(), filename: str = "sow.pdf"
) -> ParsedDocument:
    """A parsed document whose pages hold the given texts (dedented and stripped)."""
    texts = [dedent(page).strip() for page in pages]
    text, page_texts = join_pages(texts, set(ocr_pages))
    return ParsedDocument(
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        filename=filename,
        media_type="application/pdf",
        size_bytes=len(text.encode()),
        parser="test",
        pages=page_texts,
        text=text,
        ocr_pages=tuple(sorted(ocr_pages)),
    )


def field_values(record: HandoffRecord) -> list[tuple[str, FieldValue[Any]]]:
    found = [(name, getattr(record.fields, name)) for name in type(record.fields).model_fields]
    for list_name in ("milestones", "rate_card", "subcontractors", "contacts"):
        for index, item in enumerate(getattr(record, list_name)):
            found += [(f"{list_name}[{index}].{key}", getattr(item, key)) for key in type(item).model_fields]
    for list_name in ("deliverables", "assumptions", "out_of_scope"):
        found += [(f"{list_name}[{i}]", value) for i, value in enumerate(getattr(record, list_name))]
    return found


def assert_grounded(record: HandoffRecord, doc: ParsedDocument) -> None:
    """Every non-null value quotes its page verbatim, and its offsets index the document text."""
    pages = {page.number: page for page in doc.pages}
    for name, value in field_values(record):
        if value.value is None:
            continue
        assert value.evidence, f"{name} has no evidence"
        assert 0.0 <= value.confidence <= 1.0
        for item in value.evidence:
            squashed = " ".join(item.quote.split())
            assert squashed in " ".join(pages[item.page or 1].text.split()), name
            assert " ".join(doc.text[item.char_start : item.char_end].split()) == squashed, name
    assert record.warnings == ()
