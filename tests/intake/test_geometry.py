"""Evidence geometry on real PDFs: the box of a quote covers the place where the test drew that text."""

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase.pdfmetrics import stringWidth

from evals.sow.generator import generate_spec
from evals.sow.render import render_pdf
from extraction.engine import extract
from intake.boxes import Box, PageGeometry, Span
from intake.errors import GeometryUnavailable, NoPageImage, PageNotFound, RangeOutsidePage
from intake.geometry import align, geometry_key, page_geometry, range_boxes
from intake.parse import parse
from intake.settings import IntakeSettings
from intake.storage import LocalStorage
from models.document import ParsedDocument
from tests.intake.pdf_factory import (
    LEADING,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    ScannedPage,
    TextPage,
    TwoColumnPage,
    build_pdf,
)

FONT_SIZE = 11
LINES = ["Statement of Work for Project Heron", "Total fees: USD 120,000.00 payable in", "three milestones."]


def drawn_at(lines: list[str], line: int, text: str, x: float = MARGIN) -> tuple[float, float, float]:
    """Left and right x and baseline y of `text` in `lines[line]` as pdf_factory drew it, as fractions."""
    before = lines[line][: lines[line].index(text)]
    left = x + stringWidth(before, "Helvetica", FONT_SIZE)
    right = left + stringWidth(text, "Helvetica", FONT_SIZE)
    baseline = PAGE_HEIGHT - MARGIN - line * LEADING
    return left / PAGE_WIDTH, right / PAGE_WIDTH, 1 - baseline / PAGE_HEIGHT


def covers(box: Box, left: float, right: float, baseline: float, slack: float = 0.003) -> bool:
    return box.x0 - slack <= left and box.x1 + slack >= right and box.y0 < baseline < box.y1


def boxes_of(pdf: bytes, parsed: ParsedDocument, quote: str, storage: LocalStorage) -> list[Box]:
    start = parsed.text.index(quote)
    page = parsed.page_at(start)
    assert page is not None
    geometry = page_geometry(lambda: pdf, parsed, page.number, storage, IntakeSettings())
    return range_boxes(geometry, page, start, start + len(quote))


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "storage")


def test_a_quote_on_a_text_page_is_boxed_where_it_was_drawn(storage: LocalStorage) -> None:
    pdf = build_pdf([TextPage(["Cover page"]), TextPage(LINES)])
    parsed = parse(pdf, "sow.pdf", IntakeSettings())
    [box] = boxes_of(pdf, parsed, "USD 120,000.00", storage)
    left, right, baseline = drawn_at(LINES, 1, "USD 120,000.00")
    assert covers(box, left, right, baseline)
    assert box.x1 - box.x0 < (right - left) * 1.2  # the quote, not the whole line


def test_a_quote_across_lines_gets_one_box_per_line(storage: LocalStorage) -> None:
    pdf = build_pdf([TextPage(LINES)])
    parsed = parse(pdf, "sow.pdf", IntakeSettings())
    first, second = boxes_of(pdf, parsed, "payable in\nthree milestones", storage)
    assert covers(first, *drawn_at(LINES, 1, "payable in"))
    assert covers(second, *drawn_at(LINES, 2, "three milestones"))


def test_two_columns_are_boxed_in_their_own_column(storage: LocalStorage) -> None:
    left_lines, right_lines = ["Left column text", "more left"], ["Fees: EUR 9,000", "due on signature"]
    pdf = build_pdf([TwoColumnPage(left_lines, right_lines)])
    parsed = parse(pdf, "two.pdf", IntakeSettings())
    [box] = boxes_of(pdf, parsed, "EUR 9,000", storage)
    assert covers(box, *drawn_at(right_lines, 0, "EUR 9,000", x=PAGE_WIDTH / 2 + 12))


def test_a_rotated_page_is_boxed_on_the_page_as_rendered(storage: LocalStorage) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(build_pdf([TextPage(LINES)]))))
    writer.pages[0].rotate(90)
    output = io.BytesIO()
    writer.write(output)
    pdf = output.getvalue()
    parsed = parse(pdf, "rotated.pdf", IntakeSettings())
    [box] = boxes_of(pdf, parsed, "USD 120,000.00", storage)
    left, right, baseline = drawn_at(LINES, 1, "USD 120,000.00")
    # a quarter turn clockwise: the line runs top to bottom, its baseline is at 1 - y from the left
    assert box.y0 - 0.003 <= left and box.y1 + 0.003 >= right
    assert box.x0 < 1 - baseline < box.x1


def test_geometry_is_cached_in_storage(storage: LocalStorage) -> None:
    pdf = build_pdf([TextPage(LINES)])
    parsed = parse(pdf, "sow.pdf", IntakeSettings())
    first = page_geometry(lambda: pdf, parsed, 1, storage, IntakeSettings())
    assert storage.exists(geometry_key(parsed.sha256, 1))
    # the cached copy is read: the PDF bytes are not opened again
    assert page_geometry(lambda: b"not a pdf", parsed, 1, storage, IntakeSettings()) == first


def test_every_evidence_of_a_generated_sow_has_a_box_on_its_page(storage: LocalStorage) -> None:
    pdf = render_pdf(generate_spec(11))
    parsed = parse(pdf, "generated.pdf", IntakeSettings())
    record = extract(parsed)
    evidence = [item for field in record.fields.model_dump().values() for item in field.get("evidence", [])]
    assert len(evidence) >= 5
    for item in evidence:
        page = parsed.pages[item["page"] - 1]
        geometry = page_geometry(lambda: pdf, parsed, page.number, storage, IntakeSettings())
        boxes = range_boxes(geometry, page, item["char_start"], item["char_end"])
        assert boxes, item
        assert all(0 <= b.x0 < b.x1 <= 1 and 0 <= b.y0 < b.y1 <= 1 for b in boxes)


@pytest.mark.slow
def test_an_ocr_word_is_boxed_near_where_it_is_on_the_image(storage: LocalStorage) -> None:
    lines = ["Scanned statement of work", "Fees of 42,500 are due on signature"]
    pdf = build_pdf([ScannedPage(lines)])
    parsed = parse(pdf, "scan.pdf", IntakeSettings())
    assert parsed.pages[0].ocr
    [box] = boxes_of(pdf, parsed, "42,500", storage)
    left, right, baseline = drawn_at(lines, 1, "42,500")
    assert abs(box.x0 - left) < 0.01 and abs(box.x1 - right) < 0.01
    assert box.y0 - 0.005 < baseline < box.y1 + 0.005


@pytest.mark.slow
def test_an_ocr_page_without_tesseract_is_a_typed_error(storage: LocalStorage) -> None:
    pdf = build_pdf([ScannedPage(["Scanned statement of work", "Fees of 42,500"])])
    parsed = parse(pdf, "scan.pdf", IntakeSettings())
    with pytest.raises(GeometryUnavailable, match="not installed"):
        page_geometry(lambda: pdf, parsed, 1, storage, IntakeSettings(tesseract_cmd="no-such-tesseract"))


def test_bad_requests_are_typed_errors(storage: LocalStorage) -> None:
    pdf = build_pdf([TextPage(LINES), TextPage(["Second page"])])
    parsed = parse(pdf, "sow.pdf", IntakeSettings())
    with pytest.raises(PageNotFound):
        page_geometry(lambda: pdf, parsed, 3, storage, IntakeSettings())
    geometry = page_geometry(lambda: pdf, parsed, 1, storage, IntakeSettings())
    second = parsed.pages[1]
    with pytest.raises(RangeOutsidePage):
        range_boxes(geometry, parsed.pages[0], second.char_start, second.char_end)
    markdown = parse(b"# SOW\n\nFees: USD 5,000\n", "sow.md", IntakeSettings())
    with pytest.raises(NoPageImage):
        page_geometry(lambda: b"", markdown, 1, storage, IntakeSettings())


def test_alignment_skips_whitespace_and_maps_the_joining_hyphen() -> None:
    source = list("imple\x02mented\r\nnow")
    source[5] = "-"  # PDFium's STX, as geometry reads it
    text = "imple-\nmented\nnow"
    mapping = align(text, source)
    assert mapping[text.index("-")] == 5
    assert mapping[text.index("now")] == source.index("n", 10)
    assert all(not text[offset].isspace() for offset in mapping)


@given(
    st.lists(
        st.tuples(st.integers(0, 300), st.integers(1, 12), st.floats(0, 0.9), st.floats(0, 0.9)), max_size=60
    ),
    st.integers(0, 320),
    st.integers(1, 40),
)
def test_the_spans_of_a_range_are_found_by_bisection_as_by_a_scan(
    raw: list[tuple[int, int, float, float]], start: int, length: int
) -> None:
    spans = [Span(start=s, end=s + n, box=Box(x0=x, y0=y, x1=x + 0.05, y1=y + 0.05)) for s, n, x, y in raw]
    geometry = PageGeometry.of(1, "ocr", spans)
    end = start + length
    scanned = sorted(
        (s.start, s.end, (s.box.x0, s.box.y0, s.box.x1, s.box.y1))
        for s in spans
        if s.start < end and s.end > start
    )
    assert sorted(geometry.between(start, end)) == scanned
    assert PageGeometry.from_json(geometry.to_json()) == geometry


def test_a_stored_geometry_that_cannot_be_read_is_refused() -> None:
    with pytest.raises(ValueError, match="not a stored page geometry"):
        PageGeometry.from_json(b'{"page": 1, "source": "ocr", "starts": [1], "ends": [], "corners": []}')
