"""Decide a file's type from its bytes, and refuse a file whose name claims a type its bytes are not.

The bytes decide what a file is. The name only has to agree with them: a `.pdf` that holds an HTML page
is the classic failed download (a login or error page saved as `contract.pdf`) and must not become a
document in the queue. Plain text and Markdown are accepted only under their own extensions (`.txt`,
`.text`, `.md`, `.markdown`); a PDF or DOCX without a known extension is taken by its bytes.
"""

import io
import re
import zipfile
from pathlib import PurePosixPath
from typing import Final

from intake.errors import EmptyFile, UnsupportedFile
from models.document import MediaType

PDF: Final = "application/pdf"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN: Final = "text/markdown"
PLAIN: Final = "text/plain"

# What a file's extension claims it holds.
CLAIMED: Final[dict[str, MediaType]] = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".txt": PLAIN,
    ".text": PLAIN,
}
SUPPORTED_SUFFIXES: Final = frozenset(CLAIMED)

_PDF_MAGIC_WINDOW = 1024  # the PDF spec allows junk before %PDF- within the first 1 KB
_TEXT_SAMPLE = 64 * 1024
_MARKUP_WINDOW = 2048
_HTML = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<script[\s>]", re.IGNORECASE)
# Binary formats people mistake for documents, by their leading bytes.
_SIGNATURES: Final = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF document: save it as DOCX or PDF"),
)


def sniff(data: bytes, filename: str = "") -> MediaType:
    """The media type of `data`; UnsupportedFile when it is none we take or the name claims another."""
    if not data.strip():
        raise EmptyFile("the file has no content")
    actual, what = _content(data)
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    claimed = CLAIMED.get(suffix)
    if actual == PLAIN:
        if claimed in (MARKDOWN, PLAIN):
            return claimed
        if claimed is not None:
            raise UnsupportedFile(f"named {suffix} but the content is {what}")
        raise UnsupportedFile(f"{what} is taken only as a .txt or .md file; this one is named {filename!r}")
    if actual is None:
        if claimed is not None:
            raise UnsupportedFile(f"named {suffix} but the content is {what}")
        raise UnsupportedFile(f"{what}, not a PDF, DOCX, Markdown or text file")
    if claimed is not None and claimed != actual:
        raise UnsupportedFile(f"named {suffix} but the content is {what}")
    return actual


def _content(data: bytes) -> tuple[MediaType | None, str]:
    """(PDF, DOCX, PLAIN for any text, or None; a description of the content for messages)."""
    if b"%PDF-" in data[:_PDF_MAGIC_WINDOW]:
        return PDF, "a PDF"
    if data.startswith(b"PK\x03\x04"):
        if _is_docx(data):
            return DOCX, "a Word document (DOCX)"
        return None, "a ZIP archive that is not a Word document (DOCX)"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return None, "a legacy Office file (.doc/.xls): save it as DOCX or PDF"
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return None, what
    if not _is_text(data[:_TEXT_SAMPLE]):
        return None, "binary data"
    head = data[:_MARKUP_WINDOW].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and _HTML.search(head):
        return None, "an HTML page (a saved web or error page)"
    if head.startswith(b"<?xml"):
        return None, "an XML file"
    return PLAIN, "plain text"


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
