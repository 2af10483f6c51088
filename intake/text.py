"""Markdown and plain-text documents: one page, the text as written (evidence quotes it verbatim)."""

from intake.errors import NoText
from models.document import MediaType, ParsedDocument, join_pages


def parse_text(data: bytes, filename: str, sha256: str, media_type: MediaType) -> ParsedDocument:
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise NoText("the file holds only whitespace")
    full_text, pages = join_pages([text])
    return ParsedDocument(
        sha256=sha256,
        filename=filename,
        media_type=media_type,
        size_bytes=len(data),
        parser="text",
        pages=pages,
        text=full_text,
    )
