"""Decide a file's type from its bytes, never from its name."""

import io
import zipfile
from typing import Final

from intake.errors import EmptyFile, UnsupportedFile
from models.document import MediaType

PDF: Final = "application/pdf"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN: Final = "text/markdown"
PLAIN: Final = "text/plain"

_PDF_MAGIC_WINDOW = 1024  # the PDF spec allows junk before %PDF- within the first 1 KB
_TEXT_SAMPLE = 64 * 1024


def sniff(data: bytes, filename: str = "") -> MediaType:
    """Return the media type of `data`; the filename only chooses Markdown over plain text."""
    if not data.strip():
        raise EmptyFile("the file has no content")
    if b"%PDF-" in data[:_PDF_MAGIC_WINDOW]:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        if _is_docx(data):
            return DOCX
        raise UnsupportedFile("a ZIP archive that is not a Word document (DOCX)")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedFile("a legacy Office file (.doc/.xls): save it as DOCX or PDF")
    if _is_text(data[:_TEXT_SAMPLE]):
        return MARKDOWN if filename.lower().endswith((".md", ".markdown")) else PLAIN
    raise UnsupportedFile("not a PDF, DOCX, Markdown or text file")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _is_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # a multi-byte character cut at the sample's end is still text
        if error.start < len(sample) - 4:
            return False
    return True
