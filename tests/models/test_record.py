import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from models.document import PAGE_SEPARATOR, ParsedDocument, join_pages
from models.record import (
    DocumentInfo,
    Evidence,
    ExtractorInfo,
    FieldValue,
    HandoffRecord,
    Milestone,
    fields_from_values,
    values_of,
)

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
TRUTHS = sorted(CORPUS.glob("*/truth.json"))


def record(**kwargs: Any) -> HandoffRecord:
    return HandoffRecord(
        document=DocumentInfo(sha256="0" * 64, filename="sow.pdf", pages=3, parser="pypdfium2"),
        extractor=ExtractorInfo(backend="offline", model="rules"),
        **kwargs,
    )


def test_json_round_trip_keeps_types() -> None:
    fields = fields_from_values(
        {"total_contract_value": 480000.5, "start_date": "2026-03-16", "currency": "USD", "signed": True}
    )
    original = record(
        fields=fields, milestones=(Milestone(amount=FieldValue(value=Decimal("1000.25"), confidence=0.9)),)
    )
    payload = json.loads(original.model_dump_json())
    assert payload["schema_version"] == "1"
    assert payload["fields"]["total_contract_value"]["value"] == 480000.5
    assert payload["fields"]["start_date"]["value"] == "2026-03-16"
    again = HandoffRecord.model_validate_json(original.model_dump_json())
    assert again == original
    assert again.fields.start_date.value == date(2026, 3, 16)


def test_records_are_frozen() -> None:
    r = record()
    with pytest.raises(ValidationError):
        r.fields.client_name.value = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "value"),
    [("currency", "usd"), ("billing_model", "hourly"), ("start_date", "March 2026"), ("confidence", 2)],
)
def test_bad_values_are_refused(name: str, value: object) -> None:
    with pytest.raises(ValidationError):
        if name == "confidence":
            FieldValue[str].model_validate({"value": "x", "confidence": value})
        else:
            fields_from_values({name: value})


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        Evidence.model_validate({"page": 1, "quote": "x", "char_start": 0, "char_end": 1, "extra": 1})


@pytest.mark.parametrize("truth", TRUTHS, ids=[t.parent.name for t in TRUTHS])
def test_hand_labelled_truth_fits_the_contract(truth: Path) -> None:
    values = json.loads(truth.read_text())
    fields = fields_from_values(values)
    flat = values_of(record(fields=fields))
    for name in type(fields).model_fields:
        expected = values[name]
        assert flat[name] == (
            float(expected) if isinstance(expected, int) and name.endswith("value") else expected
        )


def test_corpus_is_present() -> None:
    assert len(TRUTHS) >= 7, f"expected the hand-labelled corpus under {CORPUS}"


def test_page_offsets_index_the_text() -> None:
    text, pages = join_pages(["first page", "", "third"], ocr_pages={3})
    assert text == f"first page{PAGE_SEPARATOR}{PAGE_SEPARATOR}third"
    assert [text[p.char_start : p.char_end] for p in pages] == ["first page", "", "third"]
    assert pages[2].ocr and not pages[0].ocr


def test_parsed_document_refuses_wrong_offsets() -> None:
    text, pages = join_pages(["a", "b"])
    shifted = pages[1].model_copy(update={"char_start": 0, "char_end": 1})
    with pytest.raises(ValidationError, match="offsets"):
        ParsedDocument(
            sha256="0" * 64,
            filename="x.txt",
            media_type="text/plain",
            size_bytes=3,
            parser="text",
            pages=(pages[0], shifted),
            text=text,
        )
