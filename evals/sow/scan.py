"""Turn chosen pages of a PDF into scans: raster images with slight skew and noise, and no text layer.

Pages are rendered with pypdfium2 at 200 dpi, degraded with PIL (seeded, so the bytes repeat), embedded as
JPEG on a fresh reportlab page and put back in place with pypdf.
"""

import io
import random
from collections.abc import Collection

import pypdfium2 as pdfium
from PIL import Image, ImageFilter
from pypdf import PdfReader, PdfWriter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

SCAN_DPI = 200
MAX_SKEW_DEGREES = 0.8
NOISE_WEIGHT = 0.05
JPEG_QUALITY = 60


def resolve_pages(pages: Collection[int], page_count: int) -> tuple[int, ...]:
    """1-based page numbers; negative numbers count from the end (-1 is the last page)."""
    resolved = set()
    for page in pages:
        number = page_count + 1 + page if page < 0 else page
        if not 1 <= number <= page_count:
            raise ValueError(f"page {page} is outside a {page_count}-page document")
        resolved.add(number)
    return tuple(sorted(resolved))


def replace_with_scans(pdf: bytes, pages: tuple[int, ...], *, seed: int) -> bytes:
    rng = random.Random(f"{seed}-scan")  # noqa: S311 - reproducible noise, not security
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    document = pdfium.PdfDocument(pdf)
    try:
        for number, page in enumerate(reader.pages, 1):
            if number not in pages:
                writer.add_page(page)
                continue
            image = _scanned_look(_rasterise(document, number), rng)
            size = (float(page.mediabox.width), float(page.mediabox.height))
            writer.add_page(PdfReader(io.BytesIO(_image_page(image, size))).pages[0])
    finally:
        document.close()
    if reader.metadata:
        writer.add_metadata(dict(reader.metadata))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _rasterise(document: pdfium.PdfDocument, number: int) -> Image.Image:
    page = document[number - 1]
    try:
        bitmap = page.render(scale=SCAN_DPI / 72, grayscale=True)
        image: Image.Image = bitmap.to_pil()
        return image.convert("L")
    finally:
        page.close()


def _scanned_look(image: Image.Image, rng: random.Random) -> Image.Image:
    skewed = image.rotate(
        rng.uniform(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES), resample=Image.Resampling.BICUBIC, fillcolor=255
    )
    softened = skewed.filter(ImageFilter.GaussianBlur(radius=0.6))
    noise = Image.frombytes("L", softened.size, rng.randbytes(softened.width * softened.height))
    return Image.blend(softened, noise, NOISE_WEIGHT)


def _image_page(image: Image.Image, size: tuple[float, float]) -> bytes:
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", quality=JPEG_QUALITY)
    jpeg.seek(0)
    output = io.BytesIO()
    canvas = Canvas(output, pagesize=size, invariant=1)
    canvas.drawImage(ImageReader(jpeg), 0, 0, width=size[0], height=size[1])
    canvas.showPage()
    canvas.save()
    return output.getvalue()
