"""Word boxes of an OCR page: the page rendered exactly as intake rendered it for OCR, read by tesseract
once more with TSV output (one row per word, with its pixel box).

Intake stores only the OCR'd text; the review screen needs to know where each word is. Rendering the same
page at the same dpi gives tesseract the same bitmap, so its words are the ones intake read.
"""

import csv
import io
import shutil
import subprocess
from dataclasses import dataclass

import pypdfium2 as pdfium

from intake.boxes import Box
from intake.errors import GeometryUnavailable, PageNotFound
from intake.ocr import run_tesseract
from intake.render import PDFIUM_LOCK, fit_dpi, open_pdf, render_page
from intake.settings import IntakeSettings

# the format intake.pdf renders OCR pages in: same bitmap, same words
_OCR_IMAGE_FORMAT = "PPM"
_PAGE_LEVEL, _WORD_LEVEL = "1", "5"
_STDERR_TAIL = 300


@dataclass(frozen=True)
class OcrWord:
    text: str
    box: Box


def ocr_words(pdf: bytes, page_number: int, settings: IntakeSettings) -> list[OcrWord]:
    """Tesseract's words of a 1-based page, with boxes as fractions of the page, in reading order."""
    if shutil.which(settings.tesseract_cmd) is None:
        raise GeometryUnavailable(f"the page was read by OCR and {settings.tesseract_cmd!r} is not installed")
    image, dpi = _render(pdf, page_number, settings)
    return _parse_tsv(_run_tesseract_tsv(image, dpi, settings))


def _render(pdf: bytes, page_number: int, settings: IntakeSettings) -> tuple[bytes, float]:
    with PDFIUM_LOCK:
        document = open_pdf(pdf)
        try:
            if not 1 <= page_number <= len(document):
                raise PageNotFound(f"page {page_number} does not exist; the document has {len(document)}")
            page = document[page_number - 1]
            try:
                width_pt, height_pt = page.get_size()
                dpi = fit_dpi(width_pt, height_pt, settings.ocr_dpi)
                return render_page(page, dpi, grayscale=True, image_format=_OCR_IMAGE_FORMAT), dpi
            finally:
                page.close()
        except pdfium.PdfiumError as error:
            raise GeometryUnavailable(f"page {page_number} cannot be rendered: {error}") from error
        finally:
            document.close()


def _run_tesseract_tsv(image: bytes, dpi: float, settings: IntakeSettings) -> str:
    try:
        completed = run_tesseract(image, dpi, settings, "tsv")
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GeometryUnavailable(f"tesseract did not read the page: {error}") from error
    if completed.returncode != 0:
        stderr = completed.stderr.decode("utf-8", errors="replace").strip()[-_STDERR_TAIL:]
        raise GeometryUnavailable(f"tesseract exited with {completed.returncode}: {stderr}")
    return completed.stdout.decode("utf-8", errors="replace")


def _parse_tsv(tsv: str) -> list[OcrWord]:
    rows = list(csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE))
    page = next((row for row in rows if row["level"] == _PAGE_LEVEL), None)
    if page is None:
        raise GeometryUnavailable("tesseract's TSV output has no page row")
    width, height = float(page["width"]), float(page["height"])
    words = []
    for row in rows:
        text = (row.get("text") or "").strip()
        if row["level"] != _WORD_LEVEL or not text:
            continue
        left, top = float(row["left"]), float(row["top"])
        box = Box(
            x0=_fraction(left, width),
            y0=_fraction(top, height),
            x1=_fraction(left + float(row["width"]), width),
            y1=_fraction(top + float(row["height"]), height),
        )
        words.append(OcrWord(text=text, box=box))
    return words


def _fraction(value: float, whole: float) -> float:
    return round(min(1.0, max(0.0, value / whole)), 5) if whole > 0 else 0.0
