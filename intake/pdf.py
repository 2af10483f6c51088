"""PDF documents: structure checks with pypdf, text per page with pypdfium2, OCR for scanned pages.

pypdf checks the structure first: damage, passwords, page count and decompression bombs. The bomb check
reads every stream's raw bytes and inflates its Flate layers through zlib.decompressobj in bounded
chunks, counting and discarding the output: memory stays at one chunk per layer and the scan stops as soon
as the document is over budget. PDFium then reads the text: it keeps two-column pages in reading order and
reads ~6x faster than pypdf. A page with next to no text but an image on it is a scan: it is rendered and
read by tesseract. Text the page holds but does not show (intake/hidden.py) is left out, with a warning.
A filled form saved flat, whose values the stream prints after all of the form's labels, is read label by
label with each value after its label (intake/form_layers.py), with a warning.
A page PDFium cannot load keeps empty text and a warning, so that one damaged page does not cost the rest
of the document.
"""

import io
import itertools
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, LimitReachedError
from pypdf.filters import ASCII85Decode, ASCIIHexDecode
from pypdf.generic import ArrayObject, IndirectObject, NameObject, PdfObject, StreamObject

from intake.errors import CorruptFile, DecompressionBomb, EncryptedPdf, IntakeError, NoText, TooManyPages
from intake.form_layers import ordered_text, page_reading
from intake.hidden import HIDDEN_TEXT, MIN_POINTS
from intake.ocr import OCR_FAILED, OCR_UNAVAILABLE, PageImage, PageImageError, ocr_pages
from intake.render import PDFIUM_LOCK, bomb_pixels, fit_dpi, open_pdf, render_page
from intake.settings import MB, IntakeSettings
from models.document import FORM_LAYERS, ParsedDocument, ParseStatus, ParseWarning, join_pages

PAGE_UNREADABLE = "page_unreadable"
OCR_DISABLED = "ocr_disabled"
ENCRYPTION_WARNING = "encrypted_empty_password"

# warnings that mean text is missing from the document, as opposed to caveats about how it was read
_LOSSY = frozenset({PAGE_UNREADABLE, OCR_DISABLED, OCR_FAILED, OCR_UNAVAILABLE})
# PIL's raw PGM: tesseract reads it from stdin as fast as PNG and it costs no compression time in the
# thread that renders (which holds the PDFium lock)
_OCR_IMAGE_FORMAT = "PPM"

_FLATE = frozenset({"/FlateDecode", "/Fl"})
_ASCII = {
    "/ASCII85Decode": ASCII85Decode.decode,
    "/A85": ASCII85Decode.decode,
    "/ASCIIHexDecode": ASCIIHexDecode.decode,
    "/AHx": ASCIIHexDecode.decode,
}
_CHUNK = 256 * 1024  # input slices and output chunks: zlib copies the unconsumed input per call
# Content, font and object streams of real documents deflate 3-20x. A non-image stream past the floor
# at 200x holds crafted data (zeros deflate ~1000x, nested Flate layers far more). Image streams are
# exempt: a blank raw scan deflates ~1000x; their pixel count is checked instead.
_RATIO_FLOOR = 16 * MB
_MAX_RATIO = 200


@dataclass(frozen=True)
class _PageRead:
    text: str
    size: tuple[float, float] | None
    scanned: bool


def normalise_text(text: str) -> str:
    """One newline convention, no NULs, no trailing whitespace on lines, no blank lines at either end."""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    # PDFium joins a word hyphenated across lines and marks the join with STX; put back what is printed
    text = text.replace("\x02", "-\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def parse_pdf(data: bytes, filename: str, sha256: str, settings: IntakeSettings) -> ParsedDocument:
    """Text of every page of a PDF; raises an IntakeError for a PDF intake must refuse."""
    warnings = list(_check_structure(data, settings))
    with PDFIUM_LOCK:
        document = open_pdf(data)
    try:
        with PDFIUM_LOCK:
            _check_page_count(len(document), settings)
            pages = [_read_page(document, index, settings, warnings) for index in range(len(document))]
        texts = [page.text for page in pages]
        ocr_texts = _ocr_scanned_pages(document, pages, settings, warnings)
    finally:
        with PDFIUM_LOCK:
            document.close()
    for number, text in ocr_texts.items():
        texts[number - 1] = text
    if not any(text.strip() for text in texts):
        raise NoText(_no_text_detail(len(texts), warnings))
    full_text, page_texts = join_pages(texts, set(ocr_texts), [page.size for page in pages])
    return ParsedDocument(
        sha256=sha256,
        filename=filename,
        media_type="application/pdf",
        size_bytes=len(data),
        parser="pypdfium2+tesseract" if ocr_texts else "pypdfium2",
        status=ParseStatus.partial if any(w.code in _LOSSY for w in warnings) else ParseStatus.ok,
        pages=page_texts,
        text=full_text,
        ocr_pages=tuple(sorted(ocr_texts)),
        warnings=tuple(warnings),
    )


def _read_page(
    document: pdfium.PdfDocument, index: int, settings: IntakeSettings, warnings: list[ParseWarning]
) -> _PageRead:
    try:
        page = document[index]
        try:  # closing the page closes its text page too
            textpage = page.get_textpage()
            reading = page_reading(page, textpage)
            visible, order = reading.visible, reading.order
            if visible:
                text = normalise_text(visible.text)
            elif order:
                text = normalise_text(ordered_text(textpage, order))
                warnings.append(
                    ParseWarning(
                        code=FORM_LAYERS,
                        message="the page is a filled form saved flat: each filled value is read after the "
                        "label it sits under",
                        page=index + 1,
                    )
                )
            else:
                text = normalise_text(textpage.get_text_bounded())
            if visible:
                warnings.append(
                    ParseWarning(
                        code=HIDDEN_TEXT,
                        message=f"{visible.hidden_chars} characters that do not show on the page (invisible, "
                        f"transparent, under {MIN_POINTS:g} pt, or white on white) were left out of the text",
                        page=index + 1,
                    )
                )
            scanned = len("".join(text.split())) < settings.ocr_min_chars and _has_image(page)
            return _PageRead(text=text, size=page.get_size(), scanned=scanned)
        finally:
            page.close()
    except pdfium.PdfiumError as error:
        warnings.append(ParseWarning(code=PAGE_UNREADABLE, message=f"PDFium: {error}", page=index + 1))
        return _PageRead(text="", size=None, scanned=False)


def _has_image(page: pdfium.PdfPage) -> bool:
    images = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])
    return next(images, None) is not None


def _ocr_scanned_pages(
    document: pdfium.PdfDocument,
    pages: list[_PageRead],
    settings: IntakeSettings,
    warnings: list[ParseWarning],
) -> dict[int, str]:
    """OCR text of the scanned pages, by 1-based page number; warnings for those left unread."""
    scanned = [number for number, page in enumerate(pages, start=1) if page.scanned]
    if not settings.ocr_enabled:
        message = "the page looks scanned but OCR is disabled (HANDOFF_OCR_ENABLED)"
        warnings.extend(ParseWarning(code=OCR_DISABLED, message=message, page=n) for n in scanned)
        return {}
    if not scanned:
        return {}

    def render(number: int) -> PageImage:
        with PDFIUM_LOCK:
            try:
                page = document[number - 1]
                try:
                    width_pt, height_pt = page.get_size()
                    dpi = fit_dpi(width_pt, height_pt, settings.ocr_dpi)
                    image = render_page(page, dpi, grayscale=True, image_format=_OCR_IMAGE_FORMAT)
                finally:
                    page.close()
            except pdfium.PdfiumError as error:
                raise PageImageError(str(error)) from error
        return PageImage(page=number, image=image, dpi=dpi)

    outcome = ocr_pages(scanned, render, settings)
    warnings.extend(outcome.warnings)
    return {number: normalise_text(text) for number, text in outcome.texts.items()}


def _no_text_detail(page_count: int, warnings: list[ParseWarning]) -> str:
    detail = f"none of the {page_count} pages has any text"
    reasons = sorted({warning.message for warning in warnings if warning.code in _LOSSY})
    return f"{detail}: {'; '.join(reasons)}" if reasons else detail


# --- structure checks (pypdf) --------------------------------------------------------------------------


def _check_structure(data: bytes, settings: IntakeSettings) -> tuple[ParseWarning, ...]:
    """Refuse a damaged, password-protected, too long or bomb PDF; warnings for what reads with a caveat."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        warnings = _unlock(reader)
        _check_page_count(len(reader.pages), settings)
        _check_streams(reader, settings)
    except LimitReachedError as error:
        raise DecompressionBomb(f"pypdf refused a stream: {error}") from error
    except (IntakeError, DependencyError):
        raise  # DependencyError: pypdf lacks its AES package, a fault of the deployment, not of the file
    except Exception as error:
        # pypdf raises many exception types on damaged input (PdfReadError, ValueError, KeyError,
        # TypeError, RecursionError…); whichever it is, the file's structure cannot be read
        raise CorruptFile(f"the PDF structure cannot be read: {type(error).__name__}: {error}") from error
    return warnings


def _check_page_count(count: int, settings: IntakeSettings) -> None:
    if count > settings.max_pages:
        raise TooManyPages(f"the document has {count} pages; the limit is {settings.max_pages}")


def _unlock(reader: PdfReader) -> tuple[ParseWarning, ...]:
    if not reader.is_encrypted:
        return ()
    try:
        unlocked = reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except NotImplementedError as error:
        raise EncryptedPdf(f"the PDF uses an encryption pypdf cannot open: {error}") from error
    if not unlocked:
        raise EncryptedPdf("the PDF needs a password to open")
    message = "the PDF is encrypted with an empty password; it was opened without one"
    return (ParseWarning(code=ENCRYPTION_WARNING, message=message),)


def _check_streams(reader: PdfReader, settings: IntakeSettings) -> None:
    budget = settings.max_inflated_bytes
    total = 0
    for stream in _streams(reader):
        is_image = _entry(stream, "/Subtype") == "/Image"
        if is_image:
            _check_image_pixels(stream)
        total += _inflated_size(stream, budget - total, ratio_checked=not is_image)
        if total > budget:
            raise DecompressionBomb(f"the PDF's streams inflate to over {settings.max_inflated_mb:g} MB")


def _streams(reader: PdfReader) -> Iterator[StreamObject]:
    """Every stream object of the file (streams are never inside object streams)."""
    for generation, objects in list(reader.xref.items()):
        for number in list(objects):
            try:
                candidate = reader.get_object(IndirectObject(number, generation, reader))
            except LimitReachedError:
                raise
            except Exception:  # noqa: S112 - an object pypdf cannot read holds no stream for it to measure
                continue
            if isinstance(candidate, StreamObject):
                yield candidate


def _entry(stream: StreamObject, key: str) -> object:
    """The stream dictionary's value for `key`, indirect references resolved."""
    value = stream.get(key)
    return value.get_object() if isinstance(value, PdfObject) else value


def _check_image_pixels(image: StreamObject) -> None:
    width, height = _entry(image, "/Width"), _entry(image, "/Height")
    if isinstance(width, int) and isinstance(height, int) and width * height >= bomb_pixels():
        raise DecompressionBomb(f"an embedded image declares {width}×{height} pixels")


def _filters(stream: StreamObject) -> list[str]:
    names = _entry(stream, "/Filter")
    if isinstance(names, NameObject):
        return [str(names)]
    if isinstance(names, ArrayObject):
        return [str(name) for name in names]
    return []


def _inflated_size(stream: StreamObject, limit: int, *, ratio_checked: bool) -> int:
    """Bytes the stream's leading Flate layers produce, counted up to just past `limit`."""
    data = stream._data  # still encoded (decrypted, if the file is); get_data() would decode it in memory
    names = _filters(stream)
    while names and names[0] in _ASCII:
        data = _ASCII[names.pop(0)](data)
    flate_layers = len(list(itertools.takewhile(_FLATE.__contains__, names)))
    if not flate_layers:
        return 0
    chunks: Iterable[bytes] = (data[start : start + _CHUNK] for start in range(0, len(data), _CHUNK))
    for _ in range(flate_layers):
        chunks = _inflate(chunks)
    size = 0
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                return size
            if ratio_checked and size > _RATIO_FLOOR and size > _MAX_RATIO * len(data):
                raise DecompressionBomb(f"a {len(data)} byte stream inflates to over {size // MB} MB")
    except zlib.error:
        pass  # damaged Flate data: PDFium stops at the same point, so the bytes so far are what counts
    return size


def _inflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    for chunk in chunks:
        pending = chunk
        while pending and not inflater.eof:
            yield inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
        if inflater.eof:
            return
    yield inflater.flush()
