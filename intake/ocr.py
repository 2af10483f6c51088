"""OCR of rendered pages with the Debian tesseract binary, one process per page, pages in parallel.

Pages are rendered by the caller, in the caller's thread (PDFium is not thread-safe), only when a worker
is about to need them: at most two pages per worker wait as bitmaps, so memory stays flat on long scans.
Each tesseract runs with OMP_THREAD_LIMIT=1: its OpenMP threads only contend with the other pages' processes.
A page whose OCR fails gets a warning; OCR never fails the document.
"""

import os
import shutil
import subprocess
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from intake.settings import IntakeSettings
from models.document import ParseWarning

OCR_FAILED = "ocr_failed"
OCR_UNAVAILABLE = "ocr_unavailable"

_QUEUED_PER_WORKER = 2
_STDERR_TAIL = 300


@dataclass(frozen=True)
class PageImage:
    """A rendered page in a format tesseract reads from stdin (PNG, PNM, TIFF)."""

    page: int
    image: bytes
    dpi: float


class PageImageError(Exception):
    """Raised by a render callback for a page it cannot render."""


@dataclass(frozen=True)
class OcrOutcome:
    texts: dict[int, str]
    warnings: tuple[ParseWarning, ...]


class _TesseractError(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def ocr_pages(
    page_numbers: Sequence[int], render: Callable[[int], PageImage], settings: IntakeSettings
) -> OcrOutcome:
    """Text of each page in `page_numbers` (1-based), rendered on demand by `render`."""
    if shutil.which(settings.tesseract_cmd) is None:
        message = f"page needs OCR but {settings.tesseract_cmd!r} is not installed"
        unavailable = (ParseWarning(code=OCR_UNAVAILABLE, message=message, page=n) for n in page_numbers)
        return OcrOutcome(texts={}, warnings=tuple(unavailable))
    workers = settings.ocr_workers or os.cpu_count() or 1
    texts: dict[int, str] = {}
    warnings: list[ParseWarning] = []

    def collect(page: int, result: Future[str]) -> None:
        try:
            texts[page] = result.result()
        except _TesseractError as failure:
            warnings.append(ParseWarning(code=failure.code, message=failure.detail, page=page))

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tesseract") as pool:
        queued: deque[tuple[int, Future[str]]] = deque()
        for page in page_numbers:
            if len(queued) >= workers * _QUEUED_PER_WORKER:
                collect(*queued.popleft())
            try:
                image = render(page)
            except PageImageError as error:
                warnings.append(
                    ParseWarning(code=OCR_FAILED, message=f"page not rendered: {error}", page=page)
                )
                continue
            queued.append((page, pool.submit(_run_tesseract, image, settings)))
        while queued:
            collect(*queued.popleft())
    return OcrOutcome(texts=texts, warnings=tuple(sorted(warnings, key=lambda w: w.page or 0)))


def run_tesseract(
    image: bytes, dpi: float, settings: IntakeSettings, *configs: str
) -> subprocess.CompletedProcess[bytes]:
    """tesseract on one page image read from stdin, single-threaded (OMP_THREAD_LIMIT=1: pages run in
    parallel instead); `configs` name output configs such as "tsv". OSError and TimeoutExpired propagate."""
    command = [settings.tesseract_cmd, "stdin", "stdout", "-l", settings.ocr_lang, "--dpi", f"{dpi:.0f}"]
    return subprocess.run(
        [*command, *configs],
        input=image,
        capture_output=True,
        timeout=settings.ocr_timeout_s,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        check=False,
    )


def _run_tesseract(image: PageImage, settings: IntakeSettings) -> str:
    try:
        completed = run_tesseract(image.image, image.dpi, settings)
    except OSError as error:  # not found, not executable, no memory to start it
        raise _TesseractError(OCR_UNAVAILABLE, f"{settings.tesseract_cmd!r} cannot run: {error}") from error
    except subprocess.TimeoutExpired as error:
        raise _TesseractError(OCR_FAILED, f"tesseract took over {settings.ocr_timeout_s:g} s") from error
    if completed.returncode != 0:
        stderr = completed.stderr.decode("utf-8", errors="replace").strip()[-_STDERR_TAIL:]
        raise _TesseractError(OCR_FAILED, f"tesseract exited with {completed.returncode}: {stderr}")
    return completed.stdout.decode("utf-8", errors="replace")
