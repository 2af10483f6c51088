"""The geometry records of intake.geometry: boxes as fractions of a page, spans of a page's text."""

from pydantic import Field

from models.base import FrozenModel


class Box(FrozenModel):
    """A rectangle as fractions of the page's width and height, origin top left."""

    x0: float = Field(ge=0, le=1)
    y0: float = Field(ge=0, le=1)
    x1: float = Field(ge=0, le=1)
    y1: float = Field(ge=0, le=1)


class Span(FrozenModel):
    start: int = Field(ge=0, description="offset into the page's text")
    end: int = Field(ge=0)
    box: Box


class PageGeometry(FrozenModel):
    page: int = Field(ge=1)
    source: str = Field(description="pdf_text (PDFium character boxes) or ocr (tesseract word boxes)")
    spans: tuple[Span, ...]
