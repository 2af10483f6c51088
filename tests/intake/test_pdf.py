import io

import pytest
from PIL import Image, ImageOps

from intake.errors import CorruptFile, DecompressionBomb, EncryptedPdf, NoText, PageNotFound
from intake.parse import parse, sha256_of
from intake.pdf import normalise_text, parse_pdf
from intake.render import render_page_png
from intake.settings import IntakeSettings
from models.document import ParseStatus
from tests.intake.pdf_factory import (
    FooterPage,
    ScannedPage,
    TextPage,
    TwoColumnPage,
    build_pdf,
    encrypted,
    raw_pdf,
    raw_text_pdf,
)

LEFT = ["The Provider shall migrate", "the billing platform and", "train the Client's staff."]
RIGHT = ["Fees are payable net 30", "days from the invoice", "date, in US dollars."]


@pytest.fixture(scope="module")
def contract_pdf() -> bytes:
    return build_pdf(
        [
            TextPage(
                ["STATEMENT OF WORK", "Client: Northwind Health, Inc.", "Provider: Contoso Consulting LLC"]
            ),
            TwoColumnPage(LEFT, RIGHT),
            TextPage(["Total fees: USD 480,000.00", "Governing law: New York"]),
            FooterPage("Page 4 of 4"),
        ]
    )


def test_offsets_index_the_text_and_phrases_sit_on_their_pages(contract_pdf: bytes) -> None:
    document = parse_pdf(contract_pdf, "sow.pdf", sha256_of(contract_pdf), IntakeSettings())

    assert [page.number for page in document.pages] == [1, 2, 3, 4]
    for page in document.pages:
        assert document.text[page.char_start : page.char_end] == page.text
    expected_pages = {
        "Northwind Health, Inc.": 1,
        "Contoso Consulting LLC": 1,
        "train the Client's staff.": 2,
        "Total fees: USD 480,000.00": 3,
        "Page 4 of 4": 4,
    }
    for phrase, number in expected_pages.items():
        found = document.page_at(document.text.index(phrase))
        assert found is not None
        assert found.number == number, phrase
    assert document.parser == "pypdfium2"
    assert document.status == ParseStatus.ok
    assert document.media_type == "application/pdf"
    assert document.size_bytes == len(contract_pdf)
    assert document.warnings == ()


def test_two_column_page_reads_the_left_column_before_the_right(contract_pdf: bytes) -> None:
    document = parse_pdf(contract_pdf, "sow.pdf", sha256_of(contract_pdf), IntakeSettings())
    text = document.pages[1].text

    positions = [text.index(line) for line in LEFT + RIGHT]
    assert positions == sorted(positions)
    assert text.splitlines() == LEFT + RIGHT


def test_pages_record_their_size_in_points(contract_pdf: bytes) -> None:
    document = parse_pdf(contract_pdf, "sow.pdf", sha256_of(contract_pdf), IntakeSettings())

    assert {(page.width_pt, page.height_pt) for page in document.pages} == {(612.0, 792.0)}


def test_text_is_normalised() -> None:
    raw = "\n\nTotal:\t 480,000.00  \r\nNet 30\rdays\x00 from in\x02voice\t\r\n\r\n"

    assert normalise_text(raw) == "Total:\t 480,000.00\nNet 30\ndays from in-\nvoice"


def test_word_hyphenated_across_lines_reads_as_printed() -> None:
    data = build_pdf([TextPage(["SOW No. 2024-", "117 covers the implemen-", "tation of the platform."])])

    document = parse_pdf(data, "sow.pdf", sha256_of(data), IntakeSettings())

    assert document.text == "SOW No. 2024-\n117 covers the implemen-\ntation of the platform."


def test_page_with_only_a_footer_and_no_image_is_not_ocrd(contract_pdf: bytes) -> None:
    document = parse_pdf(contract_pdf, "sow.pdf", sha256_of(contract_pdf), IntakeSettings(ocr_enabled=True))

    assert document.pages[3].text == "Page 4 of 4"
    assert not document.pages[3].ocr
    assert document.ocr_pages == ()


def test_scanned_page_with_ocr_disabled_is_kept_empty_with_a_warning() -> None:
    data = build_pdf(
        [TextPage(["Client: Northwind Health, Inc."]), ScannedPage(["Total fees: USD 480,000.00"])]
    )

    document = parse_pdf(data, "sow.pdf", sha256_of(data), IntakeSettings(ocr_enabled=False))

    assert document.status == ParseStatus.partial
    assert [(w.code, w.page) for w in document.warnings] == [("ocr_disabled", 2)]
    assert document.pages[1].text == ""
    assert document.ocr_pages == ()
    assert document.parser == "pypdfium2"


def test_document_without_any_text_is_refused() -> None:
    data = build_pdf([FooterPage(""), FooterPage("")])

    with pytest.raises(NoText, match="none of the 2 pages"):
        parse(data, "blank.pdf")


def test_scan_only_document_with_ocr_disabled_says_why_it_has_no_text() -> None:
    data = build_pdf([ScannedPage(["Total fees: USD 480,000.00"])])

    with pytest.raises(NoText, match="OCR is disabled"):
        parse(data, "scan.pdf", IntakeSettings(ocr_enabled=False))


def test_page_image_is_a_png_of_the_page_at_the_requested_dpi(contract_pdf: bytes) -> None:
    png = render_page_png(contract_pdf, 2, 110)

    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (935, 1210)  # 8.5 × 11 in at 110 dpi
    assert ImageOps.invert(image.convert("L")).getbbox() is not None  # something is drawn on the page


@pytest.mark.parametrize("page_number", [0, 5, -1])
def test_page_image_of_a_page_the_document_lacks_is_refused(contract_pdf: bytes, page_number: int) -> None:
    with pytest.raises(PageNotFound, match="the document has 4"):
        render_page_png(contract_pdf, page_number, 110)


def test_page_image_of_damaged_or_locked_input_is_refused(contract_pdf: bytes) -> None:
    with pytest.raises(CorruptFile):
        render_page_png(contract_pdf[: len(contract_pdf) // 2], 1, 110)
    with pytest.raises(CorruptFile, match="page 2"):
        render_page_png(raw_text_pdf(["first", None, "third"]), 2, 110)
    with pytest.raises(EncryptedPdf):
        render_page_png(encrypted(contract_pdf, "user-secret", "owner-secret"), 1, 110)


def test_page_image_that_would_be_a_pixel_bomb_is_refused() -> None:
    poster = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] >>",
        ]
    )

    assert Image.open(io.BytesIO(render_page_png(poster, 1, 20))).size == (4000, 4000)
    with pytest.raises(DecompressionBomb, match="14400×14400 pt page at 300 dpi"):
        render_page_png(poster, 1, 300)
