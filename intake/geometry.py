"""Where text sits on a page: boxes for a character range of a ParsedDocument, as fractions of the page.

Evidence carries offsets into ParsedDocument.text; the review screen draws boxes over the page PNG. A page's
geometry is a list of spans — [start, end) offsets into that page's text, each with its box — computed once
and cached in storage like the page images:

- a text page: one span per character, from PDFium's character boxes. The page text is built from the same
  text page (intake.pdf: get_text_bounded, then normalise_text), so the characters are aligned on their
  non-whitespace sequence: normalisation only changes whitespace, drops NULs and prints PDFium's STX
  (a hyphen joining a word split across lines) as "-".
- an OCR page: one span per tesseract word (intake.ocr_words), aligned the same way with the OCR'd text.

Boxes are fractions of the rendered page (top-left origin), so they overlay the PNG at any dpi; PDF points
are converted with PDFium's own page-to-device transform, which applies the page's rotation and crop box.
"""

import ctypes
import difflib
from collections.abc import Callable, Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from sqlalchemy.orm import Session

from intake.boxes import Box, Corners, PageGeometry, RawSpan, Span
from intake.errors import NoPageImage, ObjectNotFound, PageNotFound, RangeOutsidePage
from intake.form_layers import ordered_chars, page_reading
from intake.ocr_words import OcrWord, ocr_words
from intake.render import PDFIUM_LOCK, open_pdf
from intake.service import get_document
from intake.settings import IntakeSettings
from intake.sniff import PDF
from intake.storage import Storage
from models.document import PageText, ParsedDocument

GEOMETRY_VERSION = 4  # 4: one-pass forms; 3: a flattened form's characters in intake's order; 2: columns
# PDFium's page-to-device transform answers in integer pixels: map onto a large virtual bitmap
_DEVICE = 100_000
_STX = "\x02"


def geometry_key(sha256: str, page: int) -> str:
    return f"geometry/{sha256}/v{GEOMETRY_VERSION}/{page}.json"


def page_geometry(
    read_pdf: Callable[[], bytes],
    parsed: ParsedDocument,
    page_number: int,
    storage: Storage,
    settings: IntakeSettings,
) -> PageGeometry:
    """The spans of one page of a stored PDF, computed once and then read from storage (the PDF's bytes
    are only read, by `read_pdf`, to compute them)."""
    if parsed.media_type != PDF:
        raise NoPageImage(f"{parsed.filename} is {parsed.media_type}; only PDFs have page geometry")
    page = _page(parsed, page_number)
    key = geometry_key(parsed.sha256, page_number)
    try:
        return PageGeometry.from_json(storage.get(key))
    except (ObjectNotFound, ValueError):
        pass  # not computed yet, or not readable: computed (again)
    if page.ocr:
        words = ocr_words(read_pdf(), page_number, settings)
        geometry = PageGeometry.of(page_number, "ocr", _word_spans(page.text, words))
    else:
        geometry = PageGeometry.of(page_number, "pdf_text", _text_spans(read_pdf(), page))
    storage.put(key, geometry.to_json())
    return geometry


def range_boxes(geometry: PageGeometry, page: PageText, char_start: int, char_end: int) -> list[Box]:
    """Line boxes covering the document text [char_start, char_end) on `page`, clipped to the page."""
    start, end = max(char_start, page.char_start), min(char_end, page.char_end)
    if start >= end:
        raise RangeOutsidePage(
            f"characters {char_start}-{char_end} are not on page {page.number}"
            f" ({page.char_start}-{page.char_end})"
        )
    start, end = start - page.char_start, end - page.char_start
    return _merge_lines(geometry.between(start, end), page.text)


def _page(parsed: ParsedDocument, number: int) -> PageText:
    if not 1 <= number <= len(parsed.pages):
        raise PageNotFound(f"page {number} does not exist; the document has {len(parsed.pages)}")
    return parsed.pages[number - 1]


# --- alignment -------------------------------------------------------------------------------------------


def align(text: str, source: Sequence[str]) -> dict[int, int]:
    """Offsets of `text` → indexes of `source` (one character each) where their non-whitespace agree."""
    text_at = [index for index, char in enumerate(text) if not char.isspace()]
    source_at = [index for index, char in enumerate(source) if char and not char.isspace()]
    left = "".join(text[index] for index in text_at)
    right = "".join(source[index] for index in source_at)
    if left == right:  # the usual case (the text was built from this source): no search needed
        return dict(zip(text_at, source_at, strict=True))
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    mapping: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for step in range(block.size):
            mapping[text_at[block.a + step]] = source_at[block.b + step]
    return mapping


# --- text pages ------------------------------------------------------------------------------------------


def _text_spans(pdf: bytes, page: PageText) -> tuple[Span, ...]:
    with PDFIUM_LOCK:
        document = open_pdf(pdf)
        try:
            pdf_page = document[page.number - 1]
            try:
                return _char_spans(pdf_page, page.text)
            finally:
                pdf_page.close()
        finally:
            document.close()


def _char_spans(pdf_page: pdfium.PdfPage, page_text: str) -> tuple[Span, ...]:
    """One span per aligned character (call with PDFIUM_LOCK held)."""
    textpage = pdf_page.get_textpage()
    # the characters in the order intake read them: a flattened form's values after their labels
    pieces = page_reading(pdf_page, textpage).order
    order = ordered_chars(pieces) if pieces else list(range(textpage.count_chars()))
    chars = [
        "\n" if index is None else _printed(pdfium_c.FPDFText_GetUnicode(textpage, index)) for index in order
    ]
    to_device = _device_transform(pdf_page)
    spans = []
    for offset, position in sorted(align(page_text, chars).items()):
        index = order[position]
        assert index is not None  # separators are whitespace, which align leaves out
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        spans.append(Span(start=offset, end=offset + 1, box=_box(to_device, left, bottom, right, top)))
    return tuple(spans)


def _printed(code: int) -> str:
    char = chr(code) if code else ""
    return "-" if char == _STX else char


Transform = Callable[[float, float], tuple[float, float]]


def _device_transform(pdf_page: pdfium.PdfPage) -> Transform:
    """PDFium's page-to-device transform (rotation, crop box) as an affine map, read off three points once
    instead of asked of PDFium twice per character."""
    origin, x_unit, y_unit = (_to_device(pdf_page, x, y) for x, y in ((0, 0), (1000, 0), (0, 1000)))
    ax, ay = (x_unit[0] - origin[0]) / 1000, (x_unit[1] - origin[1]) / 1000
    bx, by = (y_unit[0] - origin[0]) / 1000, (y_unit[1] - origin[1]) / 1000
    return lambda x, y: (origin[0] + ax * x + bx * y, origin[1] + ay * x + by * y)


def _box(to_device: Transform, left: float, bottom: float, right: float, top: float) -> Box:
    corners = [to_device(x, y) for x, y in ((left, top), (right, bottom))]
    xs = sorted(_clip(x / _DEVICE) for x, _ in corners)
    ys = sorted(_clip(y / _DEVICE) for _, y in corners)
    return Box(x0=xs[0], y0=ys[0], x1=xs[1], y1=ys[1])


def _to_device(pdf_page: pdfium.PdfPage, x: float, y: float) -> tuple[int, int]:
    device_x, device_y = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDF_PageToDevice(pdf_page, 0, 0, _DEVICE, _DEVICE, 0, x, y, device_x, device_y)
    return device_x.value, device_y.value


def _clip(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 5)


# --- OCR pages -------------------------------------------------------------------------------------------


def _word_spans(page_text: str, words: Sequence[OcrWord]) -> tuple[Span, ...]:
    """One span per OCR word, over the page text's characters aligned with that word's characters."""
    chars: list[str] = []
    owner: list[int] = []
    for number, word in enumerate(words):
        chars.extend(word.text)
        owner.extend([number] * len(word.text))
    offsets: dict[int, list[int]] = {}
    for offset, index in align(page_text, chars).items():
        offsets.setdefault(owner[index], []).append(offset)
    spans = [
        Span(start=min(found), end=max(found) + 1, box=words[number].box) for number, found in offsets.items()
    ]
    return tuple(sorted(spans, key=lambda span: span.start))


# --- merging ---------------------------------------------------------------------------------------------


def _merge_lines(spans: Sequence[RawSpan], page_text: str) -> list[Box]:
    """Consecutive spans of one printed line become one box; a newline or a jump elsewhere starts the next.
    Plain tuples until the end: a quote of a few lines covers hundreds of character spans."""
    lines: list[Corners] = []
    previous_end: int | None = None
    for start, end, box in sorted(spans, key=lambda item: item[0]):
        if previous_end is not None and lines and _same_line(lines[-1], box, page_text[previous_end:start]):
            last = lines[-1]
            lines[-1] = (
                min(last[0], box[0]),
                min(last[1], box[1]),
                max(last[2], box[2]),
                max(last[3], box[3]),
            )
        else:
            lines.append(box)
        previous_end = end
    return [Box(x0=x0, y0=y0, x1=x1, y1=y1) for x0, y0, x1, y1 in lines]


def _same_line(line: Corners, box: Corners, between: str) -> bool:
    """No newline in the text between them, and the span touches the line grown by half a character's
    height, a space's width (in any direction, so that the text of a rotated page merges too)."""
    if "\n" in between:
        return False
    grow = max(box[2] - box[0], box[3] - box[1]) / 2
    return (
        box[0] <= line[2] + grow
        and box[2] >= line[0] - grow
        and box[1] <= line[3] + grow
        and box[3] >= line[1] - grow
    )


def document_boxes(
    session: Session,
    storage: Storage,
    document_id: str,
    page_number: int,
    char_range: tuple[int, int],
    settings: IntakeSettings,
) -> list[Box]:
    """Boxes of the text [char_start, char_end) of a stored document on its page `page_number`."""
    document = get_document(session, document_id)
    parsed = ParsedDocument.model_validate(document.parsed)
    geometry = page_geometry(
        lambda: storage.get(document.storage_key), parsed, page_number, storage, settings
    )
    return range_boxes(geometry, _page(parsed, page_number), *char_range)
