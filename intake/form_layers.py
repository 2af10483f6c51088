"""Reading order of a filled form saved flat: each filled value read right after its label.

A form filled in and saved flat (a government SF-1449, a purchase order printed from a fill-in PDF) holds
two layers of text: the form's printed labels, then the filled values, each placed in its box under or
beside its label. PDFium reads the content stream in order, so such a page's text lists every label and
then every value, and nothing in it ties "FEB 21, 2023" to "3. AWARD/EFFECTIVE DATE". This module finds
such pages and gives their characters in the order a reader takes them: a label, then the values filled in
under it.

A run is the characters of one text object, with its box. A run's anchor is the nearest run above it that
overlaps it across, within a few lines — or, when none does, the nearest run to its left on its line. A
run is a *filled value* when its anchor came earlier in the stream and, between the two, the stream went
far from the run (REVISIT of the page's height, above or below) before coming back to it: the content
stream revisited a place it had already passed. Prose, tables read row by row and two-column text do not
come back that way, except at the head of a column; a page is read as a form only when at least
MIN_VALUES runs and MIN_SHARE of them are filled values. A run right under (or after) a filled value, next
in the stream, goes on that value (the lines of an address); a label's own wrapped lines stay together.

Only a page whose text objects jump back up the page (a form drawn in one pass, every label then every
value, jumps back once) and pass the same test on the objects' own bounds is read character by character;
the rest keep PDFium's order at the cost of one pass over the page's objects.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from intake.hidden import Box, HiddenText, address, bounds, form_texts, page_objects, visible_text

REVISIT: Final = 0.2  # of the page's height: how far from a run the stream went before coming back to it
MIN_VALUES: Final = 8
MIN_SHARE: Final = 0.15
JUMPS: Final = 1  # upward jumps of a tenth of the page between consecutive text objects, to look closer
MAX_RUNS: Final = 2000  # a page with more text objects than this keeps stream order (cost is quadratic)
_ABOVE_LINES: Final = 4.0  # how far above, in the run's own heights, an anchor may sit
_WORD_GAP: Final = 4.0  # in the run's heights: the widest gap on a line within one label
_LEFT_GAP: Final = 60.0  # points: how far left on its line an anchor may end
_SAME_TYPE: Final = 0.25  # of a label's height: how much a line of the same label may differ in height


@dataclass(frozen=True)
class Piece:
    """Characters [start, start + count) of the text page, printed after `before` ("\\n" or " ")."""

    start: int
    count: int
    before: str


@dataclass(frozen=True)
class _Run:
    start: int
    end: int  # last character, inclusive
    box: Box  # left, bottom, right, top in PDF points (y grows upwards)

    @property
    def height(self) -> float:
        return max(self.box[3] - self.box[1], 1.0)

    @property
    def middle(self) -> float:
        return (self.box[1] + self.box[3]) / 2


@dataclass(frozen=True)
class PageReading:
    """How a page is read: without its hidden text (`visible`), else in a flattened form's order (`order`),
    else (both None) in PDFium's order. Intake's text and the review geometry both follow it, so their
    characters line up."""

    visible: HiddenText | None
    order: list[Piece] | None


def page_reading(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> PageReading:
    """One pass over the page's objects decides both. Call with PDFIUM_LOCK held."""
    objects = page_objects(page)
    visible = visible_text(page, textpage, objects)
    return PageReading(visible, None if visible else form_order(page, textpage, objects))


def form_order(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, objects: list[tuple[object, int]]
) -> list[Piece] | None:
    """The page's characters in label-then-value order when it is a flattened form, else None (the
    stream's order stands). Call with PDFIUM_LOCK held."""
    height = page.get_size()[1]
    boxes = [bounds(handle) for handle, kind in objects if kind == pdfium_c.FPDF_PAGEOBJ_TEXT]
    if not _jumps_back(boxes, height) or len(boxes) > MAX_RUNS:
        return None
    # decided first on the text objects' own boxes (cheap), then on their printed characters; text inside
    # form XObjects (a flattened form field's appearance) has no page-level box, so such a page goes
    # straight to its characters
    in_forms = any(kind == pdfium_c.FPDF_PAGEOBJ_FORM and form_texts(handle) for handle, kind in objects)
    if not in_forms and _layers(_object_runs(boxes), height) is None:
        return None
    runs = _runs(textpage)
    if len(runs) > MAX_RUNS:
        return None
    layers = _layers(runs, height)
    return _pieces(runs, *layers) if layers else None


def _layers(runs: Sequence[_Run], height: float) -> tuple[list[int | None], list[bool]] | None:
    """Each run's anchor and whether it is a filled value, when enough of them are for a form."""
    anchors = [_anchor(runs, index) for index in range(len(runs))]
    filled = [_filled(runs, index, anchors[index], height) for index in range(len(runs))]
    if sum(filled) < max(MIN_VALUES, MIN_SHARE * len(runs)):
        return None
    return anchors, filled


def _object_runs(boxes: Sequence[Box]) -> list[_Run]:
    """The text objects as runs, by their bounds (no characters read)."""
    return [_Run(0, 0, box) for box in boxes if box[2] > box[0] and box[3] > box[1]]


def ordered_text(textpage: pdfium.PdfTextPage, pieces: Sequence[Piece]) -> str:
    return "".join(piece.before + textpage.get_text_range(piece.start, piece.count) for piece in pieces)


def ordered_chars(pieces: Sequence[Piece]) -> list[int | None]:
    """The text page's character indexes in the pieces' order, None where a piece's separator stands."""
    order: list[int | None] = []
    for piece in pieces:
        order.append(None)
        order.extend(range(piece.start, piece.start + piece.count))
    return order


def _jumps_back(boxes: Sequence[Box], height: float) -> bool:
    middles = [(box[1] + box[3]) / 2 for box in boxes]
    jumps = sum(1 for before, after in itertools.pairwise(middles) if after > before + height / 10)
    return jumps >= JUMPS


def _runs(textpage: pdfium.PdfTextPage) -> list[_Run]:
    """The page's characters grouped by the text object that draws them, in stream order; a run's box
    bounds its printed characters (a space's box can be empty or stray)."""
    runs: list[_Run] = []
    owner_of_last = 0
    for index in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(textpage.raw, index):
            continue
        owner = address(pdfium_c.FPDFText_GetTextObject(textpage.raw, index))
        printed = not chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index) or 32).isspace()
        box = textpage.get_charbox(index) if printed else None
        if runs and owner == owner_of_last:
            last = runs[-1]
            runs[-1] = _Run(last.start, index, _union(last.box, box))
        else:
            runs.append(_Run(index, index, box or _EMPTY))
        owner_of_last = owner
    return [run for run in runs if run.box != _EMPTY]


_EMPTY: Final[Box] = (0.0, 0.0, 0.0, 0.0)


def _union(box: Box, other: Box | None) -> Box:
    if other is None:
        return box
    if box == _EMPTY:
        return other
    return (min(box[0], other[0]), min(box[1], other[1]), max(box[2], other[2]), max(box[3], other[3]))


def _anchor(runs: Sequence[_Run], index: int) -> int | None:
    """The run above `index` across from it, within a few of its lines; else the run just left of it on
    its line."""
    run = runs[index]
    left, _, right, top = run.box
    reach = _ABOVE_LINES * 1.5 * run.height
    above = [
        (max(other.box[1] - top, 0.0), position)
        for position, other in enumerate(runs)
        if other.box[0] < right
        and left < other.box[2]
        and other.middle > run.middle + run.height / 2
        and other.box[1] - top <= reach
    ]
    if above:
        return min(above)[1]
    beside = [
        (left - other.box[2], position)
        for position, other in enumerate(runs)
        if position != index
        and abs(other.middle - run.middle) < 0.75 * run.height
        and -1 <= left - other.box[2] <= _LEFT_GAP
    ]
    return min(beside)[1] if beside else None


def _filled(runs: Sequence[_Run], index: int, anchor: int | None, height: float) -> bool:
    """Whether the stream went far from `index` (above or below it) between its anchor and it."""
    if anchor is None or anchor >= index:
        return False
    here = runs[index].middle
    return any(abs(runs[between].middle - here) > REVISIT * height for between in range(anchor + 1, index))


def _pieces(runs: Sequence[_Run], anchors: Sequence[int | None], filled: Sequence[bool]) -> list[Piece]:
    """Labels in stream order, each followed by the values filled in under it. A value's following lines
    (next in the stream, anchored on it) go with it; a label's wrapped lines (next in the stream, right
    under or after it) join it on one line."""
    owner: list[int | None] = [None] * len(runs)  # the label run a value belongs to
    for index, anchor in enumerate(anchors):
        if filled[index] and anchor is not None:
            owner[index] = owner[anchor] if owner[anchor] is not None else anchor
        elif index and anchor == index - 1 and owner[index - 1] is not None:
            owner[index] = owner[index - 1]
    groups: list[list[int]] = []
    for index, anchor in enumerate(anchors):
        if owner[index] is not None:
            continue
        if (
            groups
            and anchor == index - 1
            and groups[-1][-1] == index - 1
            and _wraps(runs[index - 1], runs[index])
        ):
            groups[-1].append(index)
        else:
            groups.append([index])
    values: dict[int, list[int]] = {}  # label run -> its values, in stream order
    for value, label in enumerate(owner):
        if label is not None:
            values.setdefault(label, []).append(value)
    pieces: list[Piece] = []
    for group in groups:
        for position, index in enumerate(group):
            pieces.append(_piece(runs[index], " " if position else "\n"))
        for value in sorted(itertools.chain.from_iterable(values.get(index, ()) for index in group)):
            pieces.append(_piece(runs[value], "\n"))
    return pieces


def _wraps(label: _Run, run: _Run) -> bool:
    """Whether `run` goes on `label` (the run it is anchored on): on the line below in the same size of type
    (a form's title above its first label is not that label's first line), or after it on its line with no
    more than a few letters' gap."""
    if run.middle < label.middle - label.height / 2:
        return abs(run.height - label.height) <= _SAME_TYPE * label.height
    return run.box[0] - label.box[2] <= _WORD_GAP * run.height


def _piece(run: _Run, before: str) -> Piece:
    return Piece(run.start, run.end - run.start + 1, before)
