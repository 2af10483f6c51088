"""Real PDFs for intake tests: reportlab for well-formed documents, hand-written bytes for hostile ones."""

import functools
import io
import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pypdfium2 as pdfium
from PIL import Image, ImageChops
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = letter
MARGIN = 72
LEADING = 16


class Page(Protocol):
    def draw(self, canvas: Canvas) -> None: ...


@dataclass(frozen=True)
class TextPage:
    lines: Sequence[str]

    def draw(self, canvas: Canvas) -> None:
        _draw_lines(canvas, MARGIN, self.lines)


@dataclass(frozen=True)
class TwoColumnPage:
    """Two columns side by side, each drawn top to bottom, the left one first."""

    left: Sequence[str]
    right: Sequence[str]

    def draw(self, canvas: Canvas) -> None:
        _draw_lines(canvas, MARGIN, self.left)
        _draw_lines(canvas, PAGE_WIDTH / 2 + 12, self.right)


@dataclass(frozen=True)
class ScannedPage:
    """An image-only page: the lines rendered to a bitmap, grained like a scan, embedded as a JPEG."""

    lines: Sequence[str]
    dpi: int = 200
    seed: int = 7

    def draw(self, canvas: Canvas) -> None:
        image = ImageReader(io.BytesIO(scan_of(self.lines, self.dpi, self.seed)))
        canvas.drawImage(image, 0, 0, width=PAGE_WIDTH, height=PAGE_HEIGHT)


@dataclass(frozen=True)
class FooterPage:
    """A page that is blank but for a short footer: no image, nothing to OCR."""

    footer: str

    def draw(self, canvas: Canvas) -> None:
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(PAGE_WIDTH / 2, 36, self.footer)


def build_pdf(pages: Sequence[Page]) -> bytes:
    output = io.BytesIO()
    canvas = Canvas(output, pagesize=letter)
    for page in pages:
        page.draw(canvas)
        canvas.showPage()
    canvas.save()
    return output.getvalue()


def _draw_lines(canvas: Canvas, x: float, lines: Sequence[str]) -> None:
    text = canvas.beginText(x, PAGE_HEIGHT - MARGIN)
    text.setFont("Helvetica", 11)
    text.setLeading(LEADING)
    for line in lines:
        text.textLine(line)
    canvas.drawText(text)


def scan_of(lines: Sequence[str], dpi: int, seed: int) -> bytes:
    """JPEG of a text page as a scanner would deliver it: rendered, with grain, lossy."""
    document = pdfium.PdfDocument(build_pdf([TextPage(lines)]))
    clean = document[0].render(scale=dpi / 72, grayscale=True).to_pil().copy()
    document.close()
    grain_bytes = random.Random(seed).randbytes(clean.width * clean.height)
    grain = Image.frombytes("L", clean.size, grain_bytes).point(lambda value: 255 - value // 12)
    output = io.BytesIO()
    ImageChops.multiply(clean, grain).save(output, format="JPEG", quality=70)
    return output.getvalue()


def encrypted(pdf: bytes, user_password: str, owner_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password, owner_password, algorithm="AES-256")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def raw_pdf(objects: Sequence[bytes]) -> bytes:
    """A PDF written byte by byte: `objects` are numbered from 1, object 1 is the catalog."""
    output = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_offset = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    output += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(output)


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n" % (dictionary, len(data)) + data + b"\nendstream"


def text_content(line: str) -> bytes:
    return b"BT /F1 12 Tf 72 700 Td (%s) Tj ET" % line.encode("latin-1")


def raw_text_pdf(lines: Sequence[str | None]) -> bytes:
    """One page per line, with Helvetica; a None line puts a page reference to a missing object there."""
    pages = [line for line in lines if line is not None]
    first_page = 4  # 1 catalog, 2 page tree, 3 font, then each page followed by its content stream
    page_numbers = iter(range(first_page, first_page + 2 * len(pages), 2))
    missing = first_page + 2 * len(pages)
    kids = b" ".join(b"%d 0 R" % (missing if line is None else next(page_numbers)) for line in lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(lines)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for index, line in enumerate(pages):
        content = first_page + 2 * index + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
            b" /Resources << /Font << /F1 3 0 R >> >> >>" % content
        )
        objects.append(stream(b"", text_content(line)))
    return raw_pdf(objects)


@functools.cache
def zeros_deflated(megabytes: int) -> bytes:
    """`megabytes` MB of zero bytes, deflated (~1000:1)."""
    compressor = zlib.compressobj(9)
    chunk = bytes(1024 * 1024)
    return b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()


def content_bomb_pdf(deflated: bytes, extra_layers: int = 0) -> bytes:
    """A one-page PDF whose content stream is `deflated`, deflated `extra_layers` more times."""
    for _ in range(extra_layers):
        deflated = zlib.compress(deflated, 9)
    filters = b" ".join([b"/FlateDecode"] * (1 + extra_layers))
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            stream(b"/Filter [%s]" % filters, deflated),
        ]
    )


def image_pdf(width: int, height: int, caption: str) -> bytes:
    """A page with a caption and a JPEG image that declares `width`×`height` pixels (its data is a stub)."""
    image = stream(
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Filter /DCTDecode" % (width, height),
        b"\xff\xd8\xff\xd9",
    )
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /XObject << /Im1 5 0 R >> /Font << /F1 6 0 R >> >> >>",
            stream(b"", b"q 540 0 0 600 36 36 cm /Im1 Do Q " + text_content(caption)),
            image,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )
