"""The SOW generator: seeded determinism, PDF text that matches the truth, layout features, CLI."""

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from evals.sow import SIGNATURE_STATES, SowSpec, generate_spec, render_document, render_pdf, truth
from evals.sow.__main__ import main
from evals.sow.formatting import format_date, format_money
from evals.sow.render import MARGIN
from models.record import BillingModel, DocumentType, ExpensesPolicy, InvoiceFrequency, RateUnit, RecordFields

IMAGE_OBJECT = 3  # FPDF_PAGEOBJ_IMAGE
SCALAR_FIELDS = tuple(RecordFields.model_fields)
LIST_FIELDS = (
    "milestones",
    "rate_card",
    "deliverables",
    "assumptions",
    "out_of_scope",
    "subcontractors",
    "contacts",
)


def page_texts(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def money(spec: SowSpec, amount: float | Decimal | None) -> str:
    assert amount is not None
    return format_money(Decimal(str(amount)), spec.currency, spec.style.money)


def written_date(spec: SowSpec, iso: str) -> str:
    return format_date(date.fromisoformat(iso), spec.style.dates)


def test_same_seed_gives_identical_spec_and_bytes() -> None:
    assert generate_spec(17) == generate_spec(17)
    assert render_pdf(generate_spec(17)) == render_pdf(generate_spec(17))


def test_different_seeds_give_different_documents() -> None:
    first, second = generate_spec(1), generate_spec(2)
    assert truth(first) != truth(second)
    assert render_pdf(first) != render_pdf(second)
    contract_numbers = {generate_spec(seed).contract_number for seed in range(20)}
    assert len(contract_numbers) > 15


@pytest.mark.parametrize(
    "overrides",
    [
        {"document_type": "sow", "billing_model": "fixed_fee"},
        {"document_type": "sow", "billing_model": "milestone", "client_region": "DE", "currency": "EUR"},
        {"document_type": "sow", "billing_model": "time_and_materials", "capped": True},
        {"document_type": "proposal", "billing_model": "time_and_materials", "capped": False},
        {"document_type": "change_order", "billing_model": "milestone", "currency": "GBP"},
        {"document_type": "sow", "billing_model": "retainer"},
        {"document_type": "sow", "billing_model": "mixed", "currency": "CAD"},
    ],
)
def test_pdf_text_states_the_truth(overrides: dict[str, Any]) -> None:
    spec = generate_spec(3, **overrides)
    expected = truth(spec)
    text = flat(" ".join(page_texts(render_pdf(spec))))
    assert expected["client_name"] in text
    assert expected["provider_name"] in text
    assert expected["contract_number"] in text
    assert expected["project_name"] in text
    fees = spec.fees
    if fees.total_stated or spec.change_order:
        assert money(spec, expected["total_contract_value"]) in text
    else:
        # The document leaves the total to be computed from its parts (spec convention).
        parts = [fees.retainer_monthly_fee, fees.fixed_fee, fees.not_to_exceed]
        assert all(money(spec, part) in text for part in parts if part is not None)
    for milestone in expected["milestones"]:
        assert milestone["name"] in text
        if milestone["amount"] is not None:
            assert money(spec, milestone["amount"]) in text
    for item in expected["rate_card"]:
        assert f"{money(spec, item['rate'])} per {item['unit']}" in text
    for field in ("effective_date", "start_date", "end_date"):
        if expected[field]:
            assert written_date(spec, expected[field]) in text


def test_change_order_total_is_the_increment_not_the_revised_value() -> None:
    spec = generate_spec(8, document_type="change_order")
    assert spec.change_order is not None
    expected = truth(spec)
    text = flat(" ".join(page_texts(render_pdf(spec))))
    revised = spec.change_order.original_value + spec.fees.total
    assert money(spec, revised) in text
    assert expected["total_contract_value"] == float(spec.fees.total) != float(revised)


def test_terms_page_is_set_in_two_columns_read_left_then_right() -> None:
    data = render_pdf(generate_spec(5))
    document = pdfium.PdfDocument(data)
    try:
        pages = [page for page in document if "GENERAL TERMS" in page.get_textpage().get_text_range()]
        assert len(pages) == 1
        textpage = pages[0].get_textpage()
        width, height = pages[0].get_size()
        full = flat(textpage.get_text_range())
        left = flat(textpage.get_text_bounded(0, MARGIN, width / 2, height - MARGIN))
        right = flat(textpage.get_text_bounded(width / 2, MARGIN, width, height - MARGIN))
    finally:
        document.close()
    assert left.startswith("GENERAL TERMS AND CONDITIONS 1. Definitions.")
    assert len(left) > 1500
    assert len(right) > 500
    assert full.index(left[-40:]) < full.index(right[:40])


def test_scanned_pages_are_images_without_a_text_layer() -> None:
    spec = generate_spec(6)
    plain = render_document(spec)
    scanned = render_document(spec, scanned_pages={1, -1})
    assert scanned.scanned_pages == (1, plain.page_count)
    assert scanned.data == render_document(spec, scanned_pages={1, -1}).data
    texts = page_texts(scanned.data)
    assert len(texts) == plain.page_count
    assert texts[0].strip() == "" and texts[-1].strip() == ""
    assert all(text.strip() for text in texts[1:-1])
    document = pdfium.PdfDocument(scanned.data)
    try:
        for index in (0, len(texts) - 1):
            assert [obj.type for obj in document[index].get_objects()] == [IMAGE_OBJECT]
    finally:
        document.close()


def test_scanned_pages_outside_the_document_are_rejected() -> None:
    spec = generate_spec(6)
    with pytest.raises(ValueError, match="outside"):
        render_pdf(spec, scanned_pages={0})
    with pytest.raises(ValueError, match="outside"):
        render_pdf(spec, scanned_pages={-50})


def _assert_fee_convention(record: dict[str, Any], spec: SowSpec) -> None:
    fees = spec.fees
    total = record["total_contract_value"]
    amounts = [item["amount"] for item in record["milestones"] if item["amount"] is not None]
    if record["billing_model"] == "milestone":
        assert sum(amounts) == pytest.approx(total)
    if record["billing_model"] == "mixed":
        assert total == pytest.approx(float((fees.fixed_fee or 0) + (fees.not_to_exceed or 0)))
        assert not amounts or sum(amounts) == pytest.approx(float(fees.fixed_fee or 0))
    if record["billing_model"] == "time_and_materials" and record["not_to_exceed"] is not None:
        assert total == record["not_to_exceed"]
    if record["billing_model"] == "retainer":
        assert total == pytest.approx(float((fees.retainer_monthly_fee or 0) * (fees.retainer_months or 0)))
    assert all(amount > 0 for amount in amounts)


def _assert_values_are_in_the_contract(record: dict[str, Any]) -> None:
    DocumentType(record["document_type"])
    BillingModel(record["billing_model"])
    assert re.fullmatch(r"[A-Z]{3}", record["currency"])
    if record["invoice_frequency"] is not None:
        InvoiceFrequency(record["invoice_frequency"])
    if record["expenses"] is not None:
        ExpensesPolicy(record["expenses"])
    assert (record["expense_cap"] is not None) == (record["expenses"] == "reimbursable_capped")
    for item in record["rate_card"]:
        RateUnit(item["unit"])
        assert item["currency"] == record["currency"]
    if record["document_type"] == "proposal":
        assert record["effective_date"] is None


@pytest.mark.parametrize("seed", range(80))
def test_truth_is_internally_consistent(seed: int) -> None:
    spec = generate_spec(seed)
    record = truth(spec)
    assert tuple(key for key in record if not key.startswith("_")) == SCALAR_FIELDS + LIST_FIELDS
    _assert_values_are_in_the_contract(record)
    _assert_fee_convention(record, spec)
    if record["start_date"] and record["end_date"]:
        assert (record["end_date"] < record["start_date"]) == spec.end_date_mistyped
    dates = [block.signed_on for block in spec.signatures if block.signed_on]
    assert record["signature_date"] == (max(dates).isoformat() if dates else None)
    assert record["signed"] == all(block.signer_name and block.signed_on for block in spec.signatures)
    assert json.loads(json.dumps(record)) == record


@pytest.mark.parametrize("state", SIGNATURE_STATES)
def test_signature_states(state: str) -> None:
    spec = generate_spec(21, signature_state=state)
    record = truth(spec)
    assert record["signed"] is (state == "signed")
    assert (record["signature_date"] is None) is (state == "unsigned")
    text = flat(page_texts(render_pdf(spec))[-1])
    assert ("_" * 20 in text) is (state != "signed")
    if record["signature_date"]:
        assert written_date(spec, record["signature_date"]) in text


def test_mistyped_end_date_is_recorded_as_written() -> None:
    spec = generate_spec(4, end_date_mistyped=True, open_ended=False)
    record = truth(spec)
    assert record["end_date"] < record["start_date"]
    assert written_date(spec, record["end_date"]) in flat(" ".join(page_texts(render_pdf(spec))))


def test_overrides_are_checked() -> None:
    spec = generate_spec(9, document_type="change_order", billing_model="retainer", currency="CHF")
    assert (spec.document_type, spec.fees.billing_model, spec.currency) == ("change_order", "retainer", "CHF")
    with pytest.raises(TypeError, match="unknown overrides"):
        generate_spec(9, colour="blue")
    with pytest.raises(ValueError, match="billing_model"):
        generate_spec(9, billing_model="barter")


def test_documents_have_four_to_ten_pages() -> None:
    counts = {render_document(generate_spec(seed)).page_count for seed in range(25)}
    assert min(counts) >= 4 and max(counts) <= 10 and len(counts) > 1


def test_cli_writes_pdf_and_truth_pairs(tmp_path: Path) -> None:
    assert main(["--out", str(tmp_path), "--count", "3", "--seed", "40", "--scanned-share", "0"]) == 0
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert [path.name for path in pdfs] == ["sow-00040.pdf", "sow-00041.pdf", "sow-00042.pdf"]
    for seed, path in zip(range(40, 43), pdfs, strict=True):
        record = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
        rendered = record.pop("_render")
        assert record == truth(generate_spec(seed))
        assert rendered == {"pages": len(page_texts(path.read_bytes())), "scanned_pages": []}


def test_cli_scanned_share_produces_scanned_pages(tmp_path: Path) -> None:
    main(["--out", str(tmp_path), "--count", "2", "--seed", "0", "--scanned-share", "1"])
    for path in sorted(tmp_path.glob("*.pdf")):
        record = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
        scanned = record["_render"]["scanned_pages"]
        texts = page_texts(path.read_bytes())
        assert scanned
        assert all(not texts[number - 1].strip() for number in scanned)
