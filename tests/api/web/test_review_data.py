"""The review page's document side on real parses: evidence boxes per page, OCR pages without tesseract."""

from decimal import Decimal
from pathlib import Path

import pytest

from api.web.review_data import field_rows, review_view
from intake.parse import parse
from intake.settings import IntakeSettings
from intake.storage import LocalStorage
from models.orm import Document, RecordVersion
from models.record import DocumentInfo, Evidence, ExtractorInfo, FieldValue, HandoffRecord, RecordFields
from tests.intake.pdf_factory import ScannedPage, TextPage, build_pdf


def document_with(parsed_pdf: bytes, quote: str, storage: LocalStorage, settings: IntakeSettings) -> Document:
    parsed = parse(parsed_pdf, "sow.pdf", settings)
    start = parsed.text.index(quote)
    page = parsed.page_at(start)
    assert page is not None
    evidence = Evidence(page=page.number, quote=quote, char_start=start, char_end=start + len(quote))
    fields = RecordFields(
        total_contract_value=FieldValue(value=Decimal(42_500), confidence=0.4, evidence=(evidence,))
    )
    info = DocumentInfo(
        sha256=parsed.sha256, filename="sow.pdf", pages=len(parsed.pages), parser=parsed.parser
    )
    record = HandoffRecord(
        document=info, extractor=ExtractorInfo(backend="offline", model="rules"), fields=fields
    )
    storage.put("documents/sow", parsed_pdf)
    document = Document(
        sha256=parsed.sha256,
        filename="sow.pdf",
        media_type=parsed.media_type,
        size_bytes=len(parsed_pdf),
        pages=len(parsed.pages),
        parser=parsed.parser,
        parse_status="ok",
        ocr_pages=list(parsed.ocr_pages),
        parsed=parsed.model_dump(mode="json"),
        storage_key="documents/sow",
    )
    document.versions = [RecordVersion(version=1, record=record.model_dump(mode="json"), created_by="t")]
    return document


def test_each_evidence_is_boxed_on_its_page_and_low_confidence_is_marked(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    pdf = build_pdf([TextPage(["Cover"]), TextPage(["Fees: USD 42,500 in total"])])
    view = review_view(
        storage, document_with(pdf, "USD 42,500", storage, IntakeSettings()), IntakeSettings(), 0.6
    )
    [row] = [row for row in view.fields if row.path == "fields.total_contract_value"]
    assert row.low and row.evidence[0].boxes
    assert view.pages[0].boxes == [] and [mark for mark, _ in view.pages[1].boxes] == [row.evidence[0].id]
    assert view.notes == []


@pytest.mark.slow
def test_an_ocr_page_without_tesseract_says_so_instead_of_failing(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    pdf = build_pdf([ScannedPage(["Scanned statement of work", "Fees of 42,500 are due"])])
    document = document_with(pdf, "42,500", storage, IntakeSettings())
    view = review_view(storage, document, IntakeSettings(tesseract_cmd="no-such-tesseract"), 0.6)
    assert view.pages[0].boxes == []
    assert view.notes and "not installed" in view.notes[0]


def test_list_items_and_text_lists_get_review_paths() -> None:
    record = {
        "fields": {},
        "milestones": [{"name": {"value": "Kick-off", "confidence": 0.9}, "amount": {"value": 5.0}}],
        "deliverables": [{"value": "Runbook", "confidence": 0.8}],
    }
    paths = [row.path for row in field_rows(record, 0.6)]
    assert "milestones[0].name" in paths and "milestones[0].amount" in paths and "deliverables[0]" in paths
    assert paths[0] == "fields.document_type"
