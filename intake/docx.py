"""DOCX documents: the text of a Word file in reading order, split into pages, read with python-docx.

Why not `unstructured`: its `partition_docx` (0.27.x) classifies every paragraph with spaCy's
en_core_web_sm, which it downloads from GitHub at run time (`_install_spacy_model` in
unstructured/nlp/tokenize.py). Offline that raises RuntimeError, and the model's authors do not publish it
on PyPI, so working offline would mean patching a private function. We need only the text in reading
order with its page breaks, so python-docx (MIT) opens the package and we walk its XML ourselves.
python-docx's own `iter_inner_content()` yields only the body's direct w:p and w:tbl children, so text
inside block-level content controls (w:sdt) and other wrappers would be lost; `Paragraph.text` skips
content controls and text boxes; `_Row.cells` repeats merged cells.

What is read, in order: body paragraphs and tables as they are interleaved; runs (not those Word does not
show — w:vanish or under 3 pt — counted in a hidden_text warning; see intake/hidden.py for PDF),
hyperlinks, fields' displayed results, content controls and tracked insertions. A text box
(w:txbxContent, DrawingML or VML) follows the paragraph that anchors it; of an mc:AlternateContent only
the first mc:Choice is read, because mc:Fallback repeats the same text for older readers. A table is one
line per row with cells joined by " | "; each w:tc is read once, so merged cells are not repeated
(a vertically merged cell's continuation is an empty cell). Inside a cell, paragraphs and the rows of a
nested table are joined with "; " so that a row stays on one line. w:tab is "\t", a line break is "\n",
paragraphs end with "\n"; lines lose trailing spaces and no "\r" survives.

Headers and footers appear once per section that references them, each part only the first time: the
header lines where the section begins, the footer lines at the end of the section's first page.
Footnotes are numbered in reference order: "[1]" where referenced, "[1] text" at the end of that page.
Endnotes are "[i]" (Word's default numbering) and their text comes at the end of the document.

Pages: DOCX has no fixed pages. A page ends at an explicit page break (w:br w:type="page"), before a
paragraph with w:pageBreakBefore, at a section break that starts a new page (nextPage, oddPage, evenPage;
a sectPr without w:type is nextPage), and at w:lastRenderedPageBreak, Word's record of where it broke the
pages when it last saved the file. The rendered breaks make page numbers match what the author saw and
printed; the explicit ones cover files never paginated by Word (generated documents). Word also records a
rendered break right after an explicit one, so a rendered break or pageBreakBefore on a page that has no
body text yet does not start another page. pageBreakBefore counts when set on the paragraph; set by a
style, it shows only through Word's rendered break. A break inside a table row moves the whole row to the next
page. A document with no breaks is one page.

Left out on purpose: comments (reviewers' remarks, not the document's text) and text deleted with tracked
changes; the result carries a warning when a document has either. Field instructions are left out (their
displayed result is kept). List and clause numbers that Word generates from numbering definitions are not
in the XML text, so they are not in ours.

Refused: a package whose declared uncompressed sizes exceed `max_inflated_bytes` (checked from the zip
directory before anything is inflated; zipfile never returns more than an entry declares and fails its
CRC if the data is longer); macro-enabled files (.docm/.dotm) and templates (.dotx), which python-docx
does not open as documents: a signed SOW does not need macros, and its stored original is offered for
download to reviewers, so we ask for it saved as .docx or PDF instead.
"""

import io
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.part import Part, XmlPart
from docx.oxml.parser import parse_xml
from docx.package import Package

from intake.errors import CorruptFile, DecompressionBomb, NoText, TooManyPages, UnsupportedFile
from intake.hidden import HIDDEN_TEXT, MIN_POINTS
from intake.settings import IntakeSettings
from models.document import ParsedDocument, ParseWarning, join_pages

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PARSER = "python-docx"

_MACRO_ENABLED = {
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}
_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"

# what python-docx, zipfile, zlib and lxml (XMLSyntaxError is a SyntaxError) raise on a damaged package;
# RuntimeError covers encrypted entries and unsupported compression methods
_UNREADABLE = (
    zipfile.BadZipFile,
    PackageNotFoundError,
    KeyError,
    ValueError,
    SyntaxError,
    EOFError,
    RuntimeError,
    zlib.error,
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_VAL, _ID, _TYPE = f"{_W}val", f"{_W}id", f"{_W}type"
_P, _TBL, _TR, _TC, _T = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}t"
_RUN, _RPR = f"{_W}r", f"{_W}rPr"
_SECT_PR, _BR = f"{_W}sectPr", f"{_W}br"
_TXBX = f"{_W}txbxContent"
_FOOTNOTE_REF, _ENDNOTE_REF = f"{_W}footnoteReference", f"{_W}endnoteReference"
_RENDERED_BREAK = f"{_W}lastRenderedPageBreak"
_INLINE_TEXT = {
    f"{_W}tab": "\t",
    f"{_W}ptab": "\t",
    f"{_W}cr": "\n",
    f"{_W}noBreakHyphen": "-",
}
# properties hold no text (w:pPr even holds tab-stop definitions named w:tab); deleted and moved-away
# text is not part of the document as it reads; mc:Fallback repeats mc:Choice
_SKIPPED = {
    *(f"{_W}{name}" for name in ("pPr", "rPr", "tblPr", "tblGrid", "trPr", "tcPr", "sdtPr", "sdtEndPr")),
    *(f"{_W}{name}" for name in ("sectPr", "del", "moveFrom", "instrText")),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
}
_ROW_WRAPPERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"}
_TRACKED_CHANGES = tuple(f"{_W}{name}" for name in ("ins", "del", "moveFrom", "moveTo"))
# a section's properties sit in its last paragraph, the last section's at the end of the body
_SECTIONS_XPATH = ".//w:p[not(ancestor::w:tbl or ancestor::w:txbxContent)]/w:pPr/w:sectPr | ./w:sectPr"
_SAME_PAGE_SECTIONS = {"continuous", "nextColumn"}
# a section shows its first-page header (when enabled) before the default one
_HEADER_ORDER = {"first": 0, "default": 1, "even": 2}


def parse_docx(data: bytes, filename: str, sha256: str, settings: IntakeSettings) -> ParsedDocument:
    """Parse a DOCX; raises CorruptFile, DecompressionBomb, UnsupportedFile, TooManyPages or NoText."""
    _refuse_bomb(data, settings)
    try:
        main = _open_main_part(data)
        body = main.element.find(f"{_W}body")
        if body is None:
            raise CorruptFile("word/document.xml has no w:body")
        renderer = _Renderer(main, body)
        page_texts = renderer.render()
    except _UNREADABLE as error:
        raise CorruptFile(f"the Word package cannot be read: {error}") from error
    if not any(text.strip() for text in page_texts):
        raise NoText("the Word document holds no text")
    if len(page_texts) > settings.max_pages:
        raise TooManyPages(f"the document has {len(page_texts)} pages; the limit is {settings.max_pages}")
    text, pages = join_pages(page_texts)
    return ParsedDocument(
        sha256=sha256,
        filename=filename,
        media_type=MEDIA_TYPE,
        size_bytes=len(data),
        parser=PARSER,
        pages=pages,
        text=text,
        warnings=(*_warnings(main, body), *_hidden_warning(renderer.hidden_chars)),
    )


def _hidden_warning(count: int) -> tuple[ParseWarning, ...]:
    if not count:
        return ()
    message = (
        f"{count} characters of text Word does not show (hidden, or under {MIN_POINTS:g} pt) were left out "
        "of the text"
    )
    return (ParseWarning(code=HIDDEN_TEXT, message=message),)


def _refuse_bomb(data: bytes, settings: IntakeSettings) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except _UNREADABLE as error:
        raise CorruptFile(f"not a readable ZIP package: {error}") from error
    if inflated > settings.max_inflated_bytes:
        raise DecompressionBomb(
            f"the package declares {inflated / 1024 / 1024:.0f} MB uncompressed; "
            f"the limit is {settings.max_inflated_mb:g} MB"
        )


def _open_main_part(data: bytes) -> XmlPart:
    main = Package.open(io.BytesIO(data)).main_document_part
    if main.content_type in _MACRO_ENABLED:
        raise UnsupportedFile("a macro-enabled Word file (.docm): save it as .docx or PDF")
    if main.content_type == _TEMPLATE:
        raise UnsupportedFile("a Word template (.dotx): save it as a .docx document or PDF")
    if main.content_type != CT.WML_DOCUMENT_MAIN or not isinstance(main, XmlPart):
        raise UnsupportedFile(f"not a Word document: the main part is {main.content_type}")
    return main


def _xml_of(part: Part) -> Any:
    return part.element if isinstance(part, XmlPart) else parse_xml(part.blob)


def _related_xml(main: XmlPart, reltype: str) -> Any:
    for rel in main.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return _xml_of(rel.target_part)
    return None


def _warnings(main: XmlPart, body: Any) -> tuple[ParseWarning, ...]:
    warnings: list[ParseWarning] = []
    comments = _related_xml(main, RT.COMMENTS)
    count = 0 if comments is None else len(comments.findall(f"{_W}comment"))
    if count:
        warnings.append(
            ParseWarning(
                code="docx_comments_left_out",
                message=f"the document has {count} comment(s); comments are not part of the text",
            )
        )
    if next(body.iter(*_TRACKED_CHANGES), None) is not None:
        warnings.append(
            ParseWarning(
                code="docx_tracked_changes",
                message="the document has tracked changes; the text reads as if all were accepted",
            )
        )
    return tuple(warnings)


def _notes(main: XmlPart, reltype: str, tag: str) -> dict[str, Any]:
    root = _related_xml(main, reltype)
    return {} if root is None else {note.get(_ID): note for note in root.iter(f"{_W}{tag}")}


def _children(element: Any, tag: str) -> Iterator[Any]:
    """`element`'s children with `tag`, looking through content controls and custom XML around them."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _ROW_WRAPPERS:
            yield from _children(child, tag)


def _is_on(properties: Any, name: str) -> bool:
    flag = None if properties is None else properties.find(f"{_W}{name}")
    return flag is not None and flag.get(_VAL, "true") not in ("false", "0", "off")


def _hidden_run(properties: Any) -> bool:
    """A run Word does not show: hidden (w:vanish, w:specVanish) or set under MIN_POINTS (w:sz is in half
    points). Set by a style, hidden text shows only through the style and is read like any text."""
    if properties is None:
        return False
    if _is_on(properties, "vanish") or _is_on(properties, "specVanish"):
        return True
    size = properties.find(f"{_W}sz")
    value = None if size is None else size.get(_VAL)
    return value is not None and value.isdigit() and int(value) < 2 * MIN_POINTS


def _roman(number: int) -> str:
    numerals = (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    )  # fmt: skip
    result = ""
    for value, numeral in numerals:
        count, number = divmod(number, value)
        result += numeral * count
    return result


def _page_text(lines: list[str]) -> str:
    return "\n".join(line.rstrip() for line in "\n".join(lines).split("\n")).strip("\n")


def _cell_text(lines: list[str]) -> str:
    return "; ".join(flat for line in lines if (flat := line.replace("\n", " ").strip()))


class _Renderer:
    """Walks the body once, writing text into pages; one instance per document."""

    def __init__(self, main: XmlPart, body: Any) -> None:
        self._main = main
        self._body = body
        self._sections = body.xpath(_SECTIONS_XPATH)  # python-docx elements know the w: prefix
        self._section = 0
        self._footnotes = _notes(main, RT.FOOTNOTES, "footnote")
        self._endnotes = _notes(main, RT.ENDNOTES, "endnote")
        self._pages: list[str] = []
        self._lines: list[str] = []
        self._pieces: list[str] = []
        self._deferred: list[str] = []
        self._has_text = False
        self._capturing = 0
        self._captured_break = False
        self._seen_stories: set[str] = set()
        self._pending_footer: list[str] = []
        self._page_footnotes: list[tuple[str, str]] = []
        self._endnote_refs: list[tuple[str, str]] = []
        self._footnote_count = 0
        self.hidden_chars = 0

    def render(self) -> list[str]:
        self._start_section()
        self._blocks(self._body)
        for label, note_id in self._endnote_refs:
            self._lines.extend(self._note_lines(label, self._endnotes[note_id]))
        self._close_page()
        return self._pages

    # -- block content: paragraphs and tables

    def _blocks(self, container: Any) -> None:
        for child in container:
            if child.tag == _P:
                self._paragraph(child)
            elif child.tag == _TBL:
                self._table(child)
            elif isinstance(child.tag, str) and child.tag not in _SKIPPED:
                self._blocks(child)

    def _paragraph(self, paragraph: Any) -> None:
        properties = paragraph.find(f"{_W}pPr")
        if _is_on(properties, "pageBreakBefore"):
            self._request_break(only_after_text=True)
        outer_deferred, self._deferred = self._deferred, []
        self._inline(paragraph)
        self._lines.append("".join(self._pieces))
        self._pieces = []
        for line in self._deferred:
            self._add_line(line)
        self._deferred = outer_deferred
        if properties is not None and properties.find(_SECT_PR) is not None and not self._capturing:
            self._end_section()

    def _table(self, table: Any) -> None:
        for row in _children(table, _TR):
            cells: list[str] = []
            row_breaks = False
            for cell in _children(row, _TC):
                lines, cell_breaks = self._capture(cell)
                cells.append(_cell_text(lines))
                row_breaks = row_breaks or cell_breaks
            if row_breaks:
                self._request_break(only_after_text=True)
            self._add_line(" | ".join(cells))

    def _capture(self, container: Any) -> tuple[list[str], bool]:
        """Render `container` into separate lines; report whether a page break was asked for inside."""
        outer = (self._lines, self._pieces, self._has_text, self._captured_break)
        self._lines, self._pieces, self._has_text, self._captured_break = [], [], False, False
        self._capturing += 1
        try:
            self._blocks(container)
            return self._lines, self._captured_break
        finally:
            self._capturing -= 1
            self._lines, self._pieces, self._has_text, self._captured_break = outer

    # -- inline content: runs and what wraps them

    def _inline(self, element: Any) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED:
                continue
            if tag == _RUN and _hidden_run(child.find(_RPR)):
                self.hidden_chars += sum(len(t.text or "") for t in child.iter(_T))
                continue
            if tag == _T:
                self._write(child.text or "")
            elif tag in _INLINE_TEXT:
                self._write(_INLINE_TEXT[tag])
            elif tag == _BR:
                self._line_or_page_break(child)
            elif tag == _RENDERED_BREAK:
                self._request_break(only_after_text=True)
            elif tag == _FOOTNOTE_REF:
                self._footnote_marker(child.get(_ID))
            elif tag == _ENDNOTE_REF:
                self._endnote_marker(child.get(_ID))
            elif tag == _TXBX:
                self._deferred.extend(self._capture(child)[0])
            else:
                self._inline(child)

    def _line_or_page_break(self, br: Any) -> None:
        if br.get(_TYPE) == "page":
            self._request_break(only_after_text=False)
        else:
            self._write("\n")

    def _footnote_marker(self, note_id: str | None) -> None:
        if note_id in self._footnotes:
            self._footnote_count += 1
            label = str(self._footnote_count)
            self._page_footnotes.append((label, note_id))
            self._write(f"[{label}]")

    def _endnote_marker(self, note_id: str | None) -> None:
        if note_id in self._endnotes:
            label = _roman(len(self._endnote_refs) + 1)
            self._endnote_refs.append((label, note_id))
            self._write(f"[{label}]")

    # -- writing

    def _write(self, text: str) -> None:
        self._pieces.append(text.replace("\r\n", "\n").replace("\r", "\n"))
        self._has_text = self._has_text or bool(text.strip())

    def _end_line(self) -> None:
        if self._pieces:
            self._lines.append("".join(self._pieces))
            self._pieces = []

    def _add_line(self, line: str) -> None:
        self._lines.append(line)
        self._has_text = self._has_text or bool(line.strip())

    def _request_break(self, *, only_after_text: bool) -> None:
        if self._capturing:
            self._captured_break = True
        elif self._has_text or not only_after_text:
            self._end_line()
            self._close_page()

    def _close_page(self) -> None:
        for label, note_id in self._page_footnotes:
            self._lines.extend(self._note_lines(label, self._footnotes[note_id]))
        self._lines.extend(self._pending_footer)
        self._pages.append(_page_text(self._lines))
        self._lines, self._page_footnotes, self._pending_footer = [], [], []
        self._has_text = False

    def _note_lines(self, label: str, note: Any) -> list[str]:
        lines = self._capture(note)[0] or [""]
        return [f"[{label}] {lines[0].lstrip()}", *lines[1:]]

    # -- sections, headers and footers

    def _end_section(self) -> None:
        self._lines.extend(self._pending_footer)
        self._pending_footer = []
        self._section += 1
        if self._section < len(self._sections):
            section_type = self._sections[self._section].find(_TYPE)
            if section_type is None or section_type.get(_VAL) not in _SAME_PAGE_SECTIONS:
                self._request_break(only_after_text=False)
            self._start_section()

    def _start_section(self) -> None:
        if self._section >= len(self._sections):
            return
        section = self._sections[self._section]
        # headers and footers are not body text: they do not hold a page open for the break merging
        self._lines.extend(self._story_lines(section, "headerReference"))
        self._pending_footer = self._story_lines(section, "footerReference")

    def _story_lines(self, section: Any, reference_tag: str) -> list[str]:
        references = sorted(
            section.findall(f"{_W}{reference_tag}"), key=lambda ref: _HEADER_ORDER.get(ref.get(_TYPE), 1)
        )
        lines: list[str] = []
        for reference in references:
            part = self._main.related_parts.get(reference.get(_R_ID))
            if part is None or str(part.partname) in self._seen_stories:
                continue
            self._seen_stories.add(str(part.partname))
            lines.extend(self._capture(_xml_of(part))[0])
        return lines
