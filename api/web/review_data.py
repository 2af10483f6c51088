"""The review page's document side: every field of the latest record version with its evidence boxes on
the page images, or its quote marked in the text of a document without page images (DOCX, Markdown)."""

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from intake.boxes import Box, PageGeometry
from intake.errors import GeometryUnavailable
from intake.geometry import page_geometry, range_boxes
from intake.settings import IntakeSettings
from intake.sniff import PDF
from intake.storage import Storage
from models.document import ParsedDocument
from models.orm import Document, RecordVersion
from models.record import LIST_ITEM_TYPES, RecordFields

TEXT_LISTS: Final = ("deliverables", "assumptions", "out_of_scope")


@dataclass
class EvidenceMark:
    id: str
    page: int | None
    quote: str
    char_start: int
    char_end: int
    boxes: list[Box] = field(default_factory=list)


@dataclass(frozen=True)
class FieldRow:
    path: str
    label: str
    value: Any
    confidence: float
    low: bool
    evidence: list[EvidenceMark]


@dataclass(frozen=True)
class TextSegment:
    text: str
    mark: str | None


@dataclass
class PageView:
    number: int
    ocr: bool
    segments: list[TextSegment] = field(default_factory=list)
    boxes: list[tuple[str, Box]] = field(default_factory=list)


@dataclass(frozen=True)
class ReviewView:
    document: Document
    parsed: ParsedDocument
    version: RecordVersion | None
    fields: list[FieldRow]
    pages: list[PageView]
    has_images: bool
    notes: list[str]


def field_rows(record: dict[str, Any], low_confidence: float) -> list[FieldRow]:
    """Every FieldValue of the record, named by its review field path (review.paths): `fields.<name>`,
    `amends_contract_number`, `<list>[<i>].<name>` for list items, `<list>[<i>]` for text lists."""
    counter = itertools.count()
    fields = record.get("fields", {})
    rows = [
        _field_row(f"fields.{name}", name.replace("_", " "), fields.get(name, {}), low_confidence, counter)
        for name in RecordFields.model_fields
    ]
    if record.get("amends_contract_number", {}).get("value") is not None:
        amends = record["amends_contract_number"]
        rows.append(_field_row("amends_contract_number", "amends contract", amends, low_confidence, counter))
    for list_name in LIST_ITEM_TYPES:
        for index, item in enumerate(record.get(list_name, [])):
            for key, value in item.items():
                label = f"{list_name.replace('_', ' ')} {index + 1}: {key.replace('_', ' ')}"
                rows.append(_field_row(f"{list_name}[{index}].{key}", label, value, low_confidence, counter))
    for list_name in TEXT_LISTS:
        for index, item in enumerate(record.get(list_name, [])):
            label = f"{list_name.replace('_', ' ')} {index + 1}"
            rows.append(_field_row(f"{list_name}[{index}]", label, item, low_confidence, counter))
    return rows


def _field_row(
    path: str, label: str, data: dict[str, Any], threshold: float, counter: Iterator[int]
) -> FieldRow:
    evidence = [
        EvidenceMark(
            id=f"ev-{next(counter)}",
            page=item.get("page"),
            quote=item["quote"],
            char_start=item["char_start"],
            char_end=item["char_end"],
        )
        for item in data.get("evidence", [])
    ]
    value, confidence = data.get("value"), float(data.get("confidence", 0.0))
    return FieldRow(path, label, value, confidence, value is not None and confidence < threshold, evidence)


def review_view(
    storage: Storage,
    document: Document,
    settings: IntakeSettings,
    low_confidence: float,
) -> ReviewView:
    parsed = ParsedDocument.model_validate(document.parsed)
    version = max(document.versions, key=lambda item: item.version, default=None)
    rows = field_rows(version.record, low_confidence) if version else []
    pages = [PageView(number=page.number, ocr=page.ocr) for page in parsed.pages]
    marks = [mark for row in rows for mark in row.evidence]
    notes: list[str] = []
    has_images = document.media_type == PDF
    if has_images:
        _place_boxes(
            parsed, pages, marks, lambda: storage.get(document.storage_key), storage, settings, notes
        )
    else:
        _mark_text(parsed, pages, marks)
    return ReviewView(document, parsed, version, rows, pages, has_images, notes)


def _place_boxes(
    parsed: ParsedDocument,
    pages: list[PageView],
    marks: list[EvidenceMark],
    read_pdf: Callable[[], bytes],
    storage: Storage,
    settings: IntakeSettings,
    notes: list[str],
) -> None:
    geometries: dict[int, PageGeometry | None] = {}
    for mark in marks:
        if mark.page is None or not 1 <= mark.page <= len(parsed.pages):
            continue
        if mark.page not in geometries:
            try:
                geometries[mark.page] = page_geometry(read_pdf, parsed, mark.page, storage, settings)
            except GeometryUnavailable as error:
                geometries[mark.page] = None
                notes.append(f"page {mark.page}: evidence cannot be placed ({error.detail})")
        geometry = geometries[mark.page]
        page = parsed.pages[mark.page - 1]
        if geometry is None or mark.char_end <= page.char_start or mark.char_start >= page.char_end:
            continue
        mark.boxes = range_boxes(geometry, page, mark.char_start, mark.char_end)
        pages[mark.page - 1].boxes.extend((mark.id, box) for box in mark.boxes)


def _mark_text(parsed: ParsedDocument, pages: list[PageView], marks: list[EvidenceMark]) -> None:
    """The page text cut into plain and marked segments; an overlapping quote marks only what is left."""
    for page, view in zip(parsed.pages, pages, strict=True):
        ranges = sorted(
            (max(m.char_start, page.char_start), min(m.char_end, page.char_end), m.id)
            for m in marks
            if m.char_start < page.char_end and m.char_end > page.char_start
        )
        position = page.char_start
        for start, end, mark_id in ranges:
            start = max(start, position)
            if start >= end:
                continue
            view.segments.append(TextSegment(parsed.text[position:start], None))
            view.segments.append(TextSegment(parsed.text[start:end], mark_id))
            position = end
        view.segments.append(TextSegment(parsed.text[position : page.char_end], None))
