"""The LLM's answers for the parts of a document → one HandoffRecord, grounded like the offline one.

For each answer: every quote is found in the page text (whitespace-insensitive, on the page the model
named first, then on the others) and becomes Evidence with real offsets; every value is normalised and
scored (llm_values). A quote that is nowhere in the text keeps the model's page and empty offsets, and
the shared grounding check nulls its value with the reason, as it does for any backend.

Conflict rules when parts disagree on a scalar field:
1. the value with the highest confidence wins: a literal value on a "Label: value" line beats a literal
   value in prose, which beats a derived one (llm_values.CONFIDENCE);
2. between equals, the earlier page wins (a contract states its terms before it repeats them).
Lists are the parts' rows in page order, a row repeated by two parts (same values) kept once.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from extraction.grounding import evidence, ground
from extraction.llm_schema import LlmAnswer, Quoted, Row
from extraction.llm_values import Kind, Reading, read
from models.document import ParsedDocument, ParseStatus
from models.record import (
    LIST_ITEM_TYPES,
    DocumentInfo,
    Evidence,
    ExtractorInfo,
    FieldValue,
    HandoffRecord,
    RecordFields,
)

SCALAR_KINDS: Mapping[str, Kind] = {
    "document_type": "choice",
    "contract_number": "text",
    "project_name": "text",
    "client_name": "text",
    "provider_name": "text",
    "effective_date": "date",
    "start_date": "date",
    "end_date": "date",
    "currency": "currency",
    "total_contract_value": "amount",
    "billing_model": "choice",
    "payment_terms_days": "days",
    "invoice_frequency": "choice",
    "not_to_exceed": "amount",
    "expenses": "choice",
    "expense_cap": "amount",
    "governing_law": "jurisdiction",
    "termination_notice_days": "days",
    "auto_renewal": "flag",
    "signed": "flag",
    "signature_date": "date",
}
ROW_KINDS: Mapping[str, Mapping[str, Kind]] = {
    "milestones": {"name": "text", "amount": "amount", "due_date": "date"},
    "rate_card": {"role": "text", "rate": "amount", "unit": "choice", "currency": "currency"},
    "subcontractors": {"name": "text", "scope": "text"},
    "contacts": {"name": "text", "role": "text", "party": "text", "email": "text"},
}
TEXT_LISTS = ("deliverables", "assumptions", "out_of_scope")


@dataclass(frozen=True)
class Candidate:
    """A value read from one part: the record's FieldValue as a dict, and the page that states it."""

    field_value: dict[str, Any]
    page: int

    @property
    def rank(self) -> tuple[float, int]:
        return float(self.field_value["confidence"]), -self.page


@dataclass
class _Reader:
    """Reads the parts' answers in page order into candidates per scalar field and items per list."""

    doc: ParsedDocument
    reading: Reading
    warnings: list[str] = field(default_factory=list)
    candidates: dict[str, list[Candidate]] = field(
        default_factory=lambda: {name: [] for name in SCALAR_KINDS}
    )
    lists: dict[str, list[Any]] = field(default_factory=lambda: {n: [] for n in (*ROW_KINDS, *TEXT_LISTS)})

    def take(self, answer: LlmAnswer) -> None:
        for name, bucket in self.candidates.items():
            candidate = self.scalar(name, getattr(answer, name))
            if candidate is not None:
                bucket.append(candidate)
        for name, kinds in ROW_KINDS.items():
            start = len(self.lists[name])
            self.lists[name].extend(
                self.row(f"{name}[{start + i}]", kinds, row) for i, row in enumerate(getattr(answer, name))
            )
        for name in TEXT_LISTS:
            start = len(self.lists[name])
            self.lists[name].extend(
                self.value(f"{name}[{start + i}]", "text", quoted.value, self.evidence(quoted))
                for i, quoted in enumerate(getattr(answer, name))
            )

    def fields(self) -> RecordFields:
        """Each scalar field's winning candidate (see the conflict rules above)."""
        winners = {
            name: max(bucket, key=lambda c: c.rank) for name, bucket in self.candidates.items() if bucket
        }
        return RecordFields.model_validate({name: winner.field_value for name, winner in winners.items()})

    def evidence(self, quoted: Quoted | Row) -> tuple[Evidence, ...]:
        span = locate(self.doc, quoted.quote, quoted.page)
        if span is None:
            return (Evidence(page=quoted.page, quote=quoted.quote, char_start=0, char_end=0),)
        return evidence(self.doc, *span)

    def value(self, where: str, kind: Kind, raw: object, found: tuple[Evidence, ...]) -> dict[str, Any]:
        if raw is None:
            return {}
        located = found[0].char_end > found[0].char_start
        outcome = read(kind, raw, found[0].quote if located else None, self.reading)
        if isinstance(outcome, str):
            self.warnings.append(f"{where}: value dropped: {outcome}")
            return {}
        return {"value": outcome.value, "confidence": outcome.confidence, "evidence": found}

    def scalar(self, name: str, quoted: Quoted | None) -> Candidate | None:
        if quoted is None:
            return None
        found = self.evidence(quoted)
        field_value = self.value(name, SCALAR_KINDS[name], getattr(quoted, "value", None), found)
        return Candidate(field_value, found[0].page or quoted.page) if field_value else None

    def row(self, where: str, kinds: Mapping[str, Kind], row: Row) -> dict[str, dict[str, Any]]:
        found = self.evidence(row)
        return {
            key: self.value(f"{where}.{key}", kind, getattr(row, key), found) for key, kind in kinds.items()
        }


def locate(doc: ParsedDocument, quote: str, page_number: int) -> tuple[int, int] | None:
    """Offsets of `quote` in the document text, whitespace-insensitive; the named page is searched first."""
    words = quote.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    pages = sorted(doc.pages, key=lambda page: page.number != page_number)
    for page in pages:
        match = pattern.search(page.text)
        if match:
            return page.char_start + match.start(), page.char_start + match.end()
    return None


def merge_answers(
    doc: ParsedDocument, answers: Iterable[LlmAnswer], reading: Reading, extractor: ExtractorInfo
) -> HandoffRecord:
    """One grounded record from the answers of the document's parts, in page order."""
    reader = _Reader(doc, reading)
    for answer in answers:
        reader.take(answer)
    record = HandoffRecord(
        document=DocumentInfo(
            sha256=doc.sha256,
            filename=doc.filename,
            pages=len(doc.pages),
            ocr_pages=doc.ocr_pages,
            parser=doc.parser,
        ),
        extractor=extractor,
        fields=reader.fields(),
        **{name: _items(name, items) for name, items in reader.lists.items()},
    )
    if reader.warnings:
        record = record.model_copy(
            update={"warnings": (*record.warnings, *reader.warnings), "status": ParseStatus.partial}
        )
    return ground(record, doc)


def _items(name: str, items: list[Any]) -> tuple[Any, ...]:
    """The list's items as the record's item type, without empty ones and repeats."""
    if name not in ROW_KINDS:
        texts = _unique(items, lambda item: (_fold(item.get("value")),))
        return tuple(FieldValue[str].model_validate(item) for item in texts)
    rows = _unique(items, lambda item: tuple(_fold(value.get("value")) for value in item.values()))
    return tuple(LIST_ITEM_TYPES[name].model_validate(item) for item in rows)


def _unique(items: list[Any], key: Callable[[Any], tuple[object, ...]]) -> list[Any]:
    kept: dict[tuple[object, ...], Any] = {}
    for item in items:
        values = key(item)
        if any(value is not None for value in values):
            kept.setdefault(values, item)
    return list(kept.values())


def _fold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value
