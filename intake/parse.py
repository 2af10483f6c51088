"""Intake's entry function: bytes in, ParsedDocument out. Pure: no database, no storage."""

import hashlib

from intake.docx import parse_docx
from intake.errors import TooLarge
from intake.pdf import parse_pdf
from intake.settings import IntakeSettings
from intake.sniff import DOCX, PDF, sniff
from intake.text import parse_text
from models.document import ParsedDocument


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse(data: bytes, filename: str, settings: IntakeSettings | None = None) -> ParsedDocument:
    """Parse a PDF, DOCX, Markdown or text file; raises an IntakeError on input it must refuse."""
    settings = settings or IntakeSettings()
    if len(data) > settings.max_file_bytes:
        raise TooLarge(
            f"the file is {len(data) / 1024 / 1024:.1f} MB; the limit is {settings.max_file_mb:g} MB"
        )
    media_type = sniff(data, filename)
    digest = sha256_of(data)
    if media_type == PDF:
        return parse_pdf(data, filename, digest, settings)
    if media_type == DOCX:
        return parse_docx(data, filename, digest, settings)
    return parse_text(data, filename, digest, media_type)
