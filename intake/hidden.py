"""Text a PDF page holds but does not show, left out of the page's text.

A reader of the signed document never sees such text, so it is not part of what was agreed — and it is
where a document hides instructions or planted values meant for a machine reader. A text object is hidden
when it is:

- drawn in the invisible render mode (PDF text render mode 3, or 7 = clip only);
- transparent (fill alpha 0);
- smaller than MIN_POINTS once its matrix is applied (1-point "fine print" no one can read);
- white (every channel ≥ WHITE) where no filled shape or image lies under it (white on a coloured table
  header or banner is visible and kept; on a page that draws form XObjects white text is kept, since what
  lies under it cannot be told).
Text outside the page's box is already left out by PDFium's bounded text.

Found by looking at the page's text objects first (a few per line), so a page without hidden text costs one
pass over its objects; only a page with some is read character by character to leave them out.
"""

import ctypes
import math
from dataclasses import dataclass
from typing import Any, Final

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

MIN_POINTS: Final = 3.0
WHITE: Final = 250
_INVISIBLE_MODES: Final = frozenset(
    {pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE, pdfium_c.FPDF_TEXTRENDERMODE_CLIP}
)
HIDDEN_TEXT: Final = "hidden_text"

Box = tuple[float, float, float, float]  # left, bottom, right, top


@dataclass(frozen=True)
class HiddenText:
    """The page's text without what does not show, and how many characters were left out (at least one)."""

    text: str
    hidden_chars: int


def _fill(handle: object) -> tuple[int, int, int, int] | None:
    r, g, b, a = (ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint())
    ok = pdfium_c.FPDFPageObj_GetFillColor(handle, *(ctypes.byref(c) for c in (r, g, b, a)))
    return (r.value, g.value, b.value, a.value) if ok else None


def address(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def page_objects(page: pdfium.PdfPage) -> list[tuple[object, int]]:
    """The page's own objects with their types (raw handles: no wrapper per object)."""
    found = []
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        handle = pdfium_c.FPDFPage_GetObject(page.raw, index)
        found.append((handle, pdfium_c.FPDFPageObj_GetType(handle)))
    return found


def form_texts(form: object) -> list[object]:
    """The text objects inside a form XObject, at any depth."""
    texts = []
    for index in range(pdfium_c.FPDFFormObj_CountObjects(form)):
        handle = pdfium_c.FPDFFormObj_GetObject(form, index)
        kind = pdfium_c.FPDFPageObj_GetType(handle)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            texts.append(handle)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            texts += form_texts(handle)
    return texts


def bounds(handle: object) -> Box:
    left, bottom, right, top = (ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float())
    pdfium_c.FPDFPageObj_GetBounds(handle, *(ctypes.byref(c) for c in (left, bottom, right, top)))
    return (left.value, bottom.value, right.value, top.value)


def _points(handle: object) -> float:
    """The text's size once its matrix is applied."""
    size, matrix = ctypes.c_float(), pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFTextObj_GetFontSize(handle, ctypes.byref(size)):
        return math.inf
    if not pdfium_c.FPDFPageObj_GetMatrix(handle, ctypes.byref(matrix)):
        return float(size.value)
    return float(size.value) * math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))


def _inside(inner: Box, outer: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _backgrounds(objects: list[tuple[object, int]]) -> list[Box] | None:
    """Where something is painted that white text could stand on: non-white filled shapes and images. None
    when the page draws a form XObject, whose contents' bounds PDFium gives in the form's own space."""
    if any(kind == pdfium_c.FPDF_PAGEOBJ_FORM for _, kind in objects):
        return None
    boxes = []
    for handle, kind in objects:
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
            if not pdfium_c.FPDFPath_GetDrawMode(handle, ctypes.byref(fill_mode), ctypes.byref(stroke)):
                continue
            colour = _fill(handle)
            if fill_mode.value == pdfium_c.FPDF_FILLMODE_NONE or colour is None or colour[3] == 0:
                continue
            if min(colour[:3]) >= WHITE:
                continue
        elif kind != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        boxes.append(bounds(handle))
    return boxes


def _invisible(handle: object, colour: tuple[int, int, int, int] | None) -> bool:
    return pdfium_c.FPDFTextObj_GetTextRenderMode(handle) in _INVISIBLE_MODES or bool(
        colour and colour[3] == 0
    )


def _hidden_objects(objects: list[tuple[object, int]]) -> set[int]:
    """The addresses of the page's text objects that do not show. Size and colour are judged only on the
    page's own objects: inside a form XObject the form's matrix (which PDFium does not apply to an object's
    size or bounds) may scale or place the text, so such text is judged by its render mode and alpha only."""
    hidden: set[int] = set()
    backgrounds: list[Box] | None = None
    for handle, kind in objects:
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            hidden |= {address(text) for text in form_texts(handle) if _invisible(text, _fill(text))}
        if kind != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        colour = _fill(handle)
        if _invisible(handle, colour) or _points(handle) < MIN_POINTS:
            hidden.add(address(handle))
        elif colour is not None and min(colour[:3]) >= WHITE:
            if backgrounds is None:
                found = _backgrounds(objects)
                backgrounds = found if found is not None else [(-math.inf, -math.inf, math.inf, math.inf)]
            if not any(_inside(bounds(handle), background) for background in backgrounds):
                hidden.add(address(handle))
    return hidden


def visible_text(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, objects: list[tuple[object, int]]
) -> HiddenText | None:
    """The page's text without its hidden characters, or None when nothing on the page is hidden
    (`objects`: the page's `page_objects`)."""
    hidden_objects = _hidden_objects(objects)
    if not hidden_objects:
        return None
    left, bottom, right, top = page.get_bbox()
    keep: list[bool] = []
    hidden_chars = 0
    for index in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(textpage.raw, index):
            keep.append(True)
            continue
        obj = pdfium_c.FPDFText_GetTextObject(textpage.raw, index)
        if obj and address(obj) in hidden_objects:
            keep.append(False)
            hidden_chars += 1
            continue
        # off the page: left out, as the bounded text of a page without hidden text leaves it out
        box_left, box_bottom, box_right, box_top = textpage.get_charbox(index)
        x, y = (box_left + box_right) / 2, (box_bottom + box_top) / 2
        keep.append(left <= x <= right and bottom <= y <= top)
    pieces = []
    start: int | None = None
    for index, kept in enumerate([*keep, False]):
        if kept and start is None:
            start = index
        elif not kept and start is not None:
            pieces.append(textpage.get_text_range(start, index - start))
            start = None
    return HiddenText("".join(pieces), hidden_chars) if hidden_chars else None
