from decimal import Decimal
from typing import Any

from extraction.grounding import evidence, ground
from models.document import ParseStatus
from models.record import (
    DocumentInfo,
    Evidence,
    ExtractorInfo,
    FieldValue,
    HandoffRecord,
    Milestone,
    RecordFields,
)
from tests.extraction.documents import document

DOC = document(
    """
    STATEMENT OF WORK
    Client: Northwind Health, Inc.
    Total Contract Value: $480,000.00
    """,
    """
    Governing Law. This SOW is governed by the laws of the State of
    New York. Fees are stated in US dollars.
    """,
)


def record(**fields: FieldValue[Any]) -> HandoffRecord:
    return HandoffRecord(
        document=DocumentInfo(sha256=DOC.sha256, filename=DOC.filename, pages=2, parser="test"),
        extractor=ExtractorInfo(backend="llm", model="test"),
        fields=RecordFields(**fields),
    )


def quote(text: str, page: int = 1, shift: int = 0) -> Evidence:
    start = DOC.text.index(text) + shift
    return Evidence(page=page, quote=text, char_start=start, char_end=start + len(text))


def test_evidence_quotes_the_span_on_its_page() -> None:
    start = DOC.text.index("Northwind")
    [piece] = evidence(DOC, start, start + len("Northwind Health, Inc."))
    assert piece == Evidence(page=1, quote="Northwind Health, Inc.", char_start=start, char_end=start + 22)


def test_evidence_across_a_page_break_is_one_piece_per_page() -> None:
    start = DOC.text.index("$480,000.00")
    end = DOC.text.index("Governing") + len("Governing")
    pieces = evidence(DOC, start, end)
    assert [p.page for p in pieces] == [1, 2]
    assert pieces[0].quote == "$480,000.00"
    assert pieces[1].quote == "Governing"


def test_a_grounded_value_is_kept() -> None:
    value = FieldValue[Any](
        value="Northwind Health, Inc.", confidence=0.9, evidence=(quote("Northwind Health, Inc."),)
    )
    grounded = ground(record(client_name=value), DOC)
    assert grounded.fields.client_name == value
    assert grounded.status is ParseStatus.ok
    assert grounded.warnings == ()


def test_a_quote_wrapped_over_lines_matches_whitespace_normalised() -> None:
    wrapped = "State of New York"
    start = DOC.text.index("State of\n")
    item = Evidence(page=2, quote=wrapped, char_start=start, char_end=start + len("State of\nNew York"))
    value = FieldValue[Any](value="New York", confidence=0.8, evidence=(item,))
    assert ground(record(governing_law=value), DOC).fields.governing_law.value == "New York"


def test_a_quote_that_is_not_in_the_document_nulls_the_value() -> None:
    invented = Evidence(page=1, quote="Total Contract Value: $1.00", char_start=40, char_end=67)
    value = FieldValue[Any](value=Decimal("1.00"), confidence=0.9, evidence=(invented,))
    grounded = ground(record(total_contract_value=value), DOC)
    assert grounded.fields.total_contract_value == FieldValue()
    assert grounded.status is ParseStatus.partial
    assert grounded.warnings[0].startswith(
        "total_contract_value: value nulled: its quote does not occur on page 1"
    )


def test_a_quote_on_another_page_than_stated_nulls_the_value() -> None:
    value = FieldValue[Any](value="Northwind", confidence=0.9, evidence=(quote("Northwind", page=2),))
    assert ground(record(client_name=value), DOC).fields.client_name.value is None


def test_wrong_offsets_of_a_quote_found_once_on_its_page_are_relocated() -> None:
    value = FieldValue[Any](
        value=Decimal("480000"), confidence=0.9, evidence=(quote("$480,000.00", shift=-7),)
    )
    grounded = ground(record(total_contract_value=value), DOC)
    [moved] = grounded.fields.total_contract_value.evidence
    assert DOC.text[moved.char_start : moved.char_end] == "$480,000.00"
    assert grounded.warnings == ()


def test_wrong_offsets_of_a_quote_found_twice_null_the_value() -> None:
    doc = document("Net 30. Payment terms: Net 30.")
    item = Evidence(page=1, quote="Net 30", char_start=2, char_end=8)
    grounded = ground(
        record(payment_terms_days=FieldValue(value=30, confidence=0.9, evidence=(item,))).model_copy(
            update={"document": DocumentInfo(sha256=doc.sha256, filename="x", pages=1, parser="test")}
        ),
        doc,
    )
    assert grounded.fields.payment_terms_days.value is None
    assert "occurs 2 times" in grounded.warnings[0]


def test_a_value_without_evidence_is_nulled() -> None:
    grounded = ground(record(currency=FieldValue(value="USD", confidence=0.9)), DOC)
    assert grounded.fields.currency.value is None
    assert grounded.warnings == ("currency: value nulled: it has no evidence",)


def test_list_items_are_grounded_too() -> None:
    good = FieldValue[Any](value="Northwind", confidence=0.9, evidence=(quote("Northwind"),))
    bad = FieldValue[Any](
        value=Decimal(5), confidence=0.9, evidence=(Evidence(page=1, quote="$5", char_start=0, char_end=2),)
    )
    grounded = ground(
        record().model_copy(
            update={"milestones": (Milestone(name=good, amount=bad),), "deliverables": (bad,)}
        ),
        DOC,
    )
    assert grounded.milestones[0].name == good
    assert grounded.milestones[0].amount.value is None
    assert grounded.deliverables == ()
    assert len(grounded.warnings) == 2


def test_record_level_extensions_are_grounded_too() -> None:
    amended = FieldValue[Any](value="SOW-1", confidence=0.9)
    grounded = ground(record().model_copy(update={"amends_contract_number": amended}), DOC)
    assert grounded.amends_contract_number.value is None
    assert grounded.warnings == ("amends_contract_number: value nulled: it has no evidence",)
