"""The geometry records of intake.geometry: boxes as fractions of a page, spans of a page's text."""

import bisect
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

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


Corners = tuple[float, float, float, float]  # x0, y0, x1, y1
RawSpan = tuple[int, int, Corners]


@dataclass(frozen=True)
class PageGeometry:
    """The spans of one page, in columns sorted by start: a text page has one span per character, thousands
    of them, and a review page reads several pages per request; reading one back builds no object per span,
    and the spans of a character range are found by bisection."""

    page: int
    source: str  # pdf_text (PDFium character boxes) or ocr (tesseract word boxes)
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    corners: tuple[float, ...]  # x0, y0, x1, y1 of each span

    @classmethod
    def of(cls, page: int, source: str, spans: Sequence[Span]) -> "PageGeometry":
        ordered = sorted(spans, key=lambda span: span.start)
        corners = tuple(v for span in ordered for v in (span.box.x0, span.box.y0, span.box.x1, span.box.y1))
        starts = tuple(span.start for span in ordered)
        return cls(page, source, starts, tuple(span.end for span in ordered), corners)

    def between(self, start: int, end: int) -> list[RawSpan]:
        """The spans overlapping the page-text offsets [start, end), as plain (start, end, corners) tuples:
        a quote of a few lines covers hundreds of character spans."""
        high = bisect.bisect_left(self.starts, end)
        low = bisect.bisect_right(self._reach, start)  # every span before `low` ends at or before `start`
        c = self.corners
        return [
            (self.starts[i], self.ends[i], (c[4 * i], c[4 * i + 1], c[4 * i + 2], c[4 * i + 3]))
            for i in range(low, high)
            if self.ends[i] > start
        ]

    @cached_property
    def _reach(self) -> list[int]:
        return list(itertools.accumulate(self.ends, max))

    def to_json(self) -> bytes:
        columns = {"page": self.page, "source": self.source, "starts": self.starts, "ends": self.ends}
        return json.dumps(columns | {"corners": self.corners}, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "PageGeometry":
        """ValueError when `data` is not a stored geometry."""
        try:
            stored = json.loads(data)
            geometry = cls(
                int(stored["page"]),
                str(stored["source"]),
                tuple(stored["starts"]),
                tuple(stored["ends"]),
                tuple(stored["corners"]),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"not a stored page geometry: {error}") from error
        if not len(geometry.starts) == len(geometry.ends) == len(geometry.corners) // 4:
            raise ValueError("not a stored page geometry: its columns differ in length")
        return geometry
