"""Page images from PDF bytes with pypdfium2: PNGs for the review UI, grayscale bitmaps for OCR.

PDFium is not thread-safe, not even across separate documents, and the review UI renders from a thread
pool while intake may run in another thread of the same process. Every pdfium call therefore runs with
PDFIUM_LOCK held; the callers in intake take it for each stretch of pdfium work.
"""

import io
import math
import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from intake.errors import CorruptFile, DecompressionBomb, EncryptedPdf, PageNotFound

PDFIUM_LOCK = threading.Lock()

POINTS_PER_INCH = 72
# PIL's default MAX_IMAGE_PIXELS; used when an application has switched PIL's own check off
_PIL_DEFAULT_MAX_PIXELS = 1024 * 1024 * 1024 // 4 // 3


def max_image_pixels() -> int:
    """Pixel count beyond which PIL warns that an image may be a decompression bomb."""
    return Image.MAX_IMAGE_PIXELS or _PIL_DEFAULT_MAX_PIXELS


def bomb_pixels() -> int:
    """Pixel count at which PIL refuses an image with DecompressionBombError."""
    return 2 * max_image_pixels()


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """Open a PDF with pdfium (call with PDFIUM_LOCK held); an empty user password is tried implicitly."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if error.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedPdf("the PDF needs a password to open") from error
        raise CorruptFile(f"PDFium cannot open the file: {error}") from error


def fit_dpi(width_pt: float, height_pt: float, dpi: float) -> float:
    """`dpi`, lowered where needed so that the page's bitmap stays within PIL's pixel limit."""
    area_in2 = (width_pt / POINTS_PER_INCH) * (height_pt / POINTS_PER_INCH)
    if area_in2 <= 0:
        return dpi
    return min(dpi, math.sqrt(max_image_pixels() / area_in2))


def render_page(page: pdfium.PdfPage, dpi: float, *, grayscale: bool, image_format: str) -> bytes:
    """Render one page and encode it (call with PDFIUM_LOCK held); refuses bitmaps PIL would refuse."""
    width_pt, height_pt = page.get_size()
    pixels = (width_pt * dpi / POINTS_PER_INCH) * (height_pt * dpi / POINTS_PER_INCH)
    if pixels >= bomb_pixels():
        raise DecompressionBomb(
            f"a {width_pt:.0f}×{height_pt:.0f} pt page at {dpi:g} dpi would be a {pixels / 1e6:.0f} Mpx image"
        )
    bitmap = page.render(scale=dpi / POINTS_PER_INCH, grayscale=grayscale)
    try:
        output = io.BytesIO()
        bitmap.to_pil().save(output, format=image_format, dpi=(dpi, dpi))
        return output.getvalue()
    finally:
        bitmap.close()


def render_page_png(data: bytes, page_number: int, dpi: int) -> bytes:
    """PNG image of the 1-based page `page_number` of a PDF that intake accepted, at `dpi`."""
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    with PDFIUM_LOCK:
        document = open_pdf(data)
        try:
            if not 1 <= page_number <= len(document):
                raise PageNotFound(f"page {page_number} does not exist; the document has {len(document)}")
            page = _load_page(document, page_number)
            try:
                return render_page(page, dpi, grayscale=False, image_format="PNG")
            finally:
                page.close()
        finally:
            document.close()


def _load_page(document: pdfium.PdfDocument, page_number: int) -> pdfium.PdfPage:
    try:
        return document[page_number - 1]
    except pdfium.PdfiumError as error:
        raise CorruptFile(f"page {page_number} cannot be read: {error}") from error
