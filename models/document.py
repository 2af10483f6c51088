"""ParsedDocument: what intake hands to extraction.

`text` is the document's full parsed text. Pages are concatenated with PAGE_SEPARATOR between them and
each page records the half-open range [char_start, char_end) it occupies in `text`, so that
`text[page.char_start:page.char_end] == page.text`. Evidence offsets of the spec index this text.
"""

from collections.abc import Sequence
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from models.base import FrozenModel

PAGE_SEPARATOR = "\n\f\n"
# the ParseWarning code of a page intake read as a filled form saved flat: each filled value right after
# the label it sits under (intake.form_layers), one label and its values per line
FORM_LAYERS = "form_layers"

MediaType = Literal[
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text/markdown",
    "text/plain",
]


class ParseStatus(StrEnum):
    ok = "ok"
    partial = "partial"


class PageText(FrozenModel):
    number: int = Field(ge=1, description="1-based page number")
    text: str
    char_start: int = Field(ge=0)
    char_end: int = Field(ge=0)
    ocr: bool = Field(default=False, description="text comes from OCR of the rendered page")
    width_pt: float | None = Field(default=None, description="page width in PDF points (1/72 in)")
    height_pt: float | None = None


class ParseWarning(FrozenModel):
    code: str
    message: str
    page: int | None = None


class ParsedDocument(FrozenModel):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    filename: str
    media_type: MediaType
    size_bytes: int = Field(ge=0)
    parser: str = Field(description="library that produced the text, e.g. pypdfium2, python-docx")
    status: ParseStatus = ParseStatus.ok
    pages: tuple[PageText, ...]
    text: str
    ocr_pages: tuple[int, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()

    @model_validator(mode="after")
    def _offsets_index_text(self) -> "ParsedDocument":
        for page in self.pages:
            if self.text[page.char_start : page.char_end] != page.text:
                raise ValueError(f"page {page.number} offsets do not index the document text")
        return self

    def page_at(self, char_offset: int) -> PageText | None:
        """The page whose text contains the character at `char_offset`."""
        for page in self.pages:
            if page.char_start <= char_offset < page.char_end:
                return page
        return None


def join_pages(
    texts: list[str],
    ocr_pages: set[int] | None = None,
    sizes: Sequence[tuple[float, float] | None] | None = None,
) -> tuple[str, tuple[PageText, ...]]:
    """Concatenate page texts and compute each page's offsets into the joined text."""
    pages: list[PageText] = []
    position = 0
    for index, page_text in enumerate(texts):
        if index:
            position += len(PAGE_SEPARATOR)
        size = sizes[index] if sizes else None
        width, height = size if size else (None, None)
        pages.append(
            PageText(
                number=index + 1,
                text=page_text,
                char_start=position,
                char_end=position + len(page_text),
                ocr=bool(ocr_pages and index + 1 in ocr_pages),
                width_pt=width,
                height_pt=height,
            )
        )
        position += len(page_text)
    return PAGE_SEPARATOR.join(texts), tuple(pages)
