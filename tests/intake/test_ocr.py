"""OCR with the real tesseract binary on pages scanned by pdf_factory (rendered, grained, JPEG)."""

import pytest
from rapidfuzz import fuzz

from intake.errors import NoText
from intake.parse import parse
from intake.settings import IntakeSettings
from models.document import ParsedDocument, ParseStatus
from tests.intake.pdf_factory import FooterPage, ScannedPage, TextPage, build_pdf

SCANNED_LINES = [
    "STATEMENT OF WORK No. 2024-117",
    "The Provider will migrate the billing platform to the cloud.",
    "Payment terms are net thirty days from the invoice date.",
    "Total fees: USD 480,000.00",
]
MISSING_TESSERACT = "/nonexistent/bin/tesseract"


@pytest.fixture(scope="module")
def mixed_pdf() -> bytes:
    """Born-digital page, scanned page, blank page with a footer."""
    return build_pdf(
        [
            TextPage(["Cover letter from Contoso Consulting LLC to Northwind Health, Inc."]),
            ScannedPage(SCANNED_LINES),
            FooterPage("Page 3"),
        ]
    )


@pytest.fixture(scope="module")
def mixed_document(mixed_pdf: bytes) -> ParsedDocument:
    return parse(mixed_pdf, "sow.pdf", IntakeSettings())


def assert_reads(document: ParsedDocument, page_number: int, lines: list[str]) -> None:
    page_text = document.pages[page_number - 1].text
    for line in lines:
        assert fuzz.partial_ratio(line, page_text) >= 90, (line, page_text)


@pytest.mark.slow
def test_scanned_page_is_ocrd_and_the_others_are_not(mixed_document: ParsedDocument) -> None:
    document = mixed_document

    assert document.ocr_pages == (2,)
    assert [page.ocr for page in document.pages] == [False, True, False]
    assert document.parser == "pypdfium2+tesseract"
    assert document.status == ParseStatus.ok
    assert document.warnings == ()
    assert_reads(document, 2, SCANNED_LINES)
    assert document.pages[0].text.startswith("Cover letter from Contoso")
    assert document.pages[2].text == "Page 3"
    for page in document.pages:
        assert document.text[page.char_start : page.char_end] == page.text


@pytest.mark.slow
def test_ocr_text_is_normalised_like_extracted_text(mixed_document: ParsedDocument) -> None:
    text = mixed_document.pages[1].text

    assert "\r" not in text
    assert "\f" not in text
    assert text == text.strip("\n")
    assert all(line == line.rstrip() for line in text.split("\n"))


@pytest.mark.slow
def test_each_of_many_scanned_pages_gets_its_own_text() -> None:
    pages = [
        ["Milestone one: discovery workshop"],
        ["Milestone two: data migration"],
        ["Milestone three: go live"],
    ]
    data = build_pdf([ScannedPage(lines, seed=seed) for seed, lines in enumerate(pages)])

    # one worker: pages queue behind it, and results must still land on their own pages
    document = parse(data, "scan.pdf", IntakeSettings(ocr_workers=1, ocr_dpi=200))

    assert document.ocr_pages == (1, 2, 3)
    for number, lines in enumerate(pages, start=1):
        assert_reads(document, number, lines)


def test_missing_tesseract_leaves_the_scanned_page_empty_with_a_warning(mixed_pdf: bytes) -> None:
    document = parse(mixed_pdf, "sow.pdf", IntakeSettings(tesseract_cmd=MISSING_TESSERACT))

    assert document.status == ParseStatus.partial
    assert [(w.code, w.page) for w in document.warnings] == [("ocr_unavailable", 2)]
    assert MISSING_TESSERACT in document.warnings[0].message
    assert document.ocr_pages == ()
    assert document.pages[1].text == ""
    assert document.pages[0].text.startswith("Cover letter")


def test_scan_only_document_without_tesseract_says_why_it_has_no_text() -> None:
    data = build_pdf([ScannedPage(SCANNED_LINES)])

    with pytest.raises(NoText, match="is not installed"):
        parse(data, "scan.pdf", IntakeSettings(tesseract_cmd=MISSING_TESSERACT))


@pytest.mark.slow
def test_tesseract_failing_on_a_page_is_a_warning_not_a_crash(mixed_pdf: bytes) -> None:
    document = parse(mixed_pdf, "sow.pdf", IntakeSettings(ocr_lang="no_such_language"))

    assert document.status == ParseStatus.partial
    assert [(w.code, w.page) for w in document.warnings] == [("ocr_failed", 2)]
    assert "no_such_language" in document.warnings[0].message
    assert document.ocr_pages == ()


@pytest.mark.slow
def test_tesseract_over_its_time_limit_is_a_warning(mixed_pdf: bytes) -> None:
    document = parse(mixed_pdf, "sow.pdf", IntakeSettings(ocr_timeout_s=0.01))

    assert [(w.code, w.page) for w in document.warnings] == [("ocr_failed", 2)]
    assert "0.01 s" in document.warnings[0].message
    assert document.status == ParseStatus.partial
