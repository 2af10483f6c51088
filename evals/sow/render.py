"""render_pdf(spec): lay a spec's blocks out with reportlab; same spec, same bytes.

Body pages use one frame, the general terms two (BaseDocTemplate page templates). Footers say
"Page n of m", so the canvas holds pages back until it knows m. Pages named in `scanned_pages` are
replaced by noisy raster images of themselves (scan.py) and keep no text layer.
"""

import io
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from evals.sow.blocks import (
    Block,
    Bullets,
    FlatForm,
    Grid,
    Heading,
    KeyValues,
    Letterhead,
    Para,
    Signatures,
    Terms,
    Title,
)
from evals.sow.layouts import layout_blocks
from evals.sow.scan import replace_with_scans, resolve_pages
from evals.sow.spec import SowSpec, Style

MARGIN = 0.8 * inch
COLUMN_GAP = 0.3 * inch
_BOLD = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold"}


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    page_count: int
    scanned_pages: tuple[int, ...]


def render_pdf(spec: SowSpec, *, scanned_pages: Collection[int] = ()) -> bytes:
    """The document as PDF bytes; `scanned_pages` are 1-based, negative numbers count from the end."""
    return render_document(spec, scanned_pages=scanned_pages).data


def render_document(spec: SowSpec, *, scanned_pages: Collection[int] = ()) -> RenderedPdf:
    data, page_count = _typeset(spec)
    scanned = resolve_pages(scanned_pages, page_count)
    if scanned:
        data = replace_with_scans(data, scanned, seed=spec.seed)
    return RenderedPdf(data=data, page_count=page_count, scanned_pages=scanned)


def _typeset(spec: SowSpec) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    page_size = LETTER if spec.style.page_size == "letter" else A4
    doc = BaseDocTemplate(
        buffer,
        pagesize=page_size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{spec.contract_number} {spec.project_name}",
        author=spec.provider.legal_name,
        creator="handoff evals.sow",
        invariant=1,
    )
    doc.addPageTemplates(_page_templates(doc, spec))
    styles = _Styles(spec.style)
    story: list[Flowable] = []
    for block in layout_blocks(spec):
        story.extend(_flowables(block, styles, doc.width))
    doc.build(story, canvasmaker=_numbered_canvas(spec))
    return buffer.getvalue(), doc.page


def _page_templates(doc: BaseDocTemplate, spec: SowSpec) -> list[PageTemplate]:
    body = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    column = (doc.width - COLUMN_GAP) / 2
    left = Frame(doc.leftMargin, doc.bottomMargin, column, doc.height, id="left")
    right = Frame(doc.leftMargin + column + COLUMN_GAP, doc.bottomMargin, column, doc.height, id="right")
    header = _header(spec)
    return [PageTemplate("body", [body], onPage=header), PageTemplate("terms", [left, right], onPage=header)]


def _header(spec: SowSpec) -> Callable[[Canvas, BaseDocTemplate], None]:
    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        if doc.page == 1:
            return
        canvas.saveState()
        canvas.setFont(spec.style.font, 7.5)
        canvas.setFillColor(colors.grey)
        top = doc.pagesize[1] - MARGIN / 2
        canvas.drawString(MARGIN, top, spec.provider.legal_name)
        canvas.drawRightString(doc.pagesize[0] - MARGIN, top, spec.project_name)
        canvas.restoreState()

    return draw


def _numbered_canvas(spec: SowSpec) -> type[Canvas]:
    style = spec.style

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        """Defers each page until save(), when the page count for "Page n of m" is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pending: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pending.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pending)
            for state in self._pending:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            number = self._pageNumber
            label = {"page_of": f"Page {number} of {total}", "slash": f"{number} / {total}"}.get(
                style.footer, f"- {number} -"
            )
            width = self._pagesize[0]
            self.saveState()
            self.setFont(style.font, 7.5)
            self.setFillColor(colors.grey)
            self.drawString(MARGIN, MARGIN / 2, f"{spec.contract_number} · Confidential")
            self.drawRightString(width - MARGIN, MARGIN / 2, label)
            self.restoreState()

    return NumberedCanvas


class _Styles:
    def __init__(self, style: Style) -> None:
        font, bold, accent = style.font, _BOLD[style.font], colors.HexColor(style.accent)
        self.accent = accent
        self.bold = bold
        self.body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=12.5, alignment=TA_JUSTIFY)
        self.body_after = ParagraphStyle("body_after", parent=self.body, spaceAfter=6)
        self.cell = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=10.5)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=bold)
        self.header_cell = ParagraphStyle("header_cell", parent=self.cell_bold, textColor=colors.white)
        self.heading = ParagraphStyle(
            "heading", fontName=bold, fontSize=11, leading=14, textColor=accent, spaceBefore=10, spaceAfter=4
        )
        self.heading.keepWithNext = 1
        self.letterhead = ParagraphStyle(
            "letterhead", fontName=bold, fontSize=15, leading=18, textColor=accent
        )
        self.small = ParagraphStyle("small", fontName=font, fontSize=8, leading=10, textColor=colors.grey)
        self.title = ParagraphStyle(
            "title", fontName=bold, fontSize=18, leading=22, spaceBefore=18, spaceAfter=4
        )
        self.subtitle = ParagraphStyle("subtitle", fontName=font, fontSize=12.5, leading=16, textColor=accent)
        size = style.terms_font_size
        self.terms = ParagraphStyle(
            "terms", fontName=font, fontSize=size, leading=size * 1.22, alignment=TA_JUSTIFY
        )
        self.terms.spaceAfter = 4
        self.terms_title = ParagraphStyle("terms_title", parent=self.heading, fontSize=10, spaceBefore=0)

    def right(self, style: ParagraphStyle) -> ParagraphStyle:
        return ParagraphStyle(f"{style.name}_right", parent=style, alignment=TA_RIGHT)


def _flowables(block: Block, styles: _Styles, width: float) -> list[Flowable]:
    if isinstance(block, Letterhead):
        return [Paragraph(block.name, styles.letterhead), Paragraph(block.address, styles.small)]
    if isinstance(block, Title):
        return [
            Paragraph(block.text, styles.title),
            Paragraph(block.subtitle, styles.subtitle),
            Paragraph(block.reference, styles.small),
            Spacer(1, 10),
        ]
    if isinstance(block, Heading):
        return [Paragraph(block.text, styles.heading)]
    if isinstance(block, Para):
        return [Paragraph(block.text, styles.body_after)]
    if isinstance(block, Bullets):
        items = [ListItem(Paragraph(item, styles.body), leftIndent=14) for item in block.items]
        return [ListFlowable(items, bulletType="bullet", start="•", leftIndent=14), Spacer(1, 6)]
    if isinstance(block, KeyValues):
        return [_key_values(block, styles, width), Spacer(1, 8)]
    if isinstance(block, Grid):
        return [_grid(block, styles, width), Spacer(1, 8)]
    if isinstance(block, Terms):
        return _terms(block, styles)
    if isinstance(block, FlatForm):
        return [_FlatFormFlowable(block, styles), PageBreak()]
    return [_signatures(block, styles, width)]


class _FlatFormFlowable(Flowable):  # type: ignore[misc]
    """A FlatForm drawn on the canvas: title, grid and labels first, then every value, so the content
    stream holds the form's two layers one after the other (each drawString is a text object of its own)."""

    LABEL_SIZE, VALUE_SIZE, PAD = 6.5, 9.0, 3.0

    def __init__(self, form: FlatForm, styles: _Styles) -> None:
        super().__init__()
        self.form, self.font, self.bold = form, styles.body.fontName, styles.bold
        self.rows: list[list[tuple[float, float, list[str], list[str]]]] = []  # x, width, label, value
        self.heights: list[float] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        column = available_width / self.form.columns
        self.rows, self.heights = [], []
        row: list[tuple[float, float, list[str], list[str]]] = []
        used = 0
        for box in self.form.boxes:
            if used + box.span > self.form.columns:
                self._close(row)
                row, used = [], 0
            inner = column * box.span - 2 * self.PAD
            label = simpleSplit(box.label, self.bold, self.LABEL_SIZE, inner)
            value = [
                part
                for line in box.value.split("\n")
                for part in simpleSplit(line, self.font, self.VALUE_SIZE, inner) or [""]
            ]
            row.append((used * column, column * box.span, label, value))
            used += box.span
        self._close(row)
        # a form takes its page: the rows share the height left over, as a printed form's boxes do
        spare = max(0.0, available_height - 22 - sum(self.heights)) / len(self.heights)
        self.heights = [height + spare for height in self.heights]
        self.height = 22 + sum(self.heights)
        return self.width, self.height

    def _close(self, row: list[tuple[float, float, list[str], list[str]]]) -> None:
        if not row:
            return
        lines = max(
            len(label) * self.LABEL_SIZE + len(value) * self.VALUE_SIZE * 1.25 for _, _, label, value in row
        )
        self.rows.append(row)
        self.heights.append(lines + 3 * self.PAD + 4)

    def draw(self) -> None:
        canvas = self.canv
        top = self.height
        canvas.setFont(self.bold, 11)
        canvas.drawCentredString(self.width / 2, top - 13, self.form.title)
        tops, y = [], top - 22
        for height in self.heights:
            tops.append(y)
            y -= height
        canvas.setLineWidth(0.6)
        for row, row_top, height in zip(self.rows, tops, self.heights, strict=True):
            for x, width, _, _ in row:
                canvas.rect(x, row_top - height, width, height)
        canvas.setFont(self.bold, self.LABEL_SIZE)
        for row, row_top in zip(self.rows, tops, strict=True):
            for x, _, label, _ in row:
                for index, line in enumerate(label):
                    canvas.drawString(x + self.PAD, row_top - self.PAD - self.LABEL_SIZE * (index + 1), line)
        canvas.setFont(self.font, self.VALUE_SIZE)  # the filled layer
        for row, row_top in zip(self.rows, tops, strict=True):
            for x, _, label, value in row:
                below = row_top - 2 * self.PAD - self.LABEL_SIZE * len(label) - 2
                for index, line in enumerate(value):
                    canvas.drawString(x + 2 * self.PAD, below - self.VALUE_SIZE * 1.25 * (index + 1), line)


def _key_values(block: KeyValues, styles: _Styles, width: float) -> Table:
    cells = [
        (Paragraph(label, styles.cell_bold), Paragraph(value, styles.cell)) for label, value in block.rows
    ]
    pairs_per_row = block.columns // 2
    rows = [
        [cell for pair in cells[start : start + pairs_per_row] for cell in pair]
        for start in range(0, len(cells), pairs_per_row)
    ]
    if len(rows[-1]) < block.columns:
        rows[-1].extend(["", ""])
    label_width = 0.3 if pairs_per_row == 1 else 0.17
    widths = [
        width * (label_width if i % 2 == 0 else 1 / pairs_per_row - label_width) for i in range(block.columns)
    ]
    table = Table(rows, colWidths=widths)
    commands: list[tuple[Any, ...]] = [
        ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
        ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    shading = colors.HexColor("#eeeeee")
    commands += [("BACKGROUND", (column, 0), (column, -1), shading) for column in range(0, block.columns, 2)]
    table.setStyle(TableStyle(commands))
    return table


def _grid(block: Grid, styles: _Styles, width: float) -> Table:
    def cells(texts: tuple[str, ...], style: ParagraphStyle) -> list[Any]:
        return [
            Paragraph(text, styles.right(style) if column in block.right_aligned else style)
            for column, text in enumerate(texts)
        ]

    rows: list[list[Any]] = [[Paragraph(text, styles.header_cell) for text in block.header]]
    rows += [cells(row, styles.cell) for row in block.rows]
    if block.footer:
        rows.append(cells(block.footer, styles.cell_bold))
    table = Table(rows, colWidths=[width * share for share in block.widths], repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), styles.accent),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if block.footer:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 1.0, colors.black))
    table.setStyle(TableStyle(commands))
    return table


def _terms(block: Terms, styles: _Styles) -> list[Flowable]:
    flowables: list[Flowable] = [
        NextPageTemplate("terms"),
        PageBreak(),
        Paragraph(block.title, styles.terms_title),
    ]
    flowables += [Paragraph(f"<b>{title}.</b> {text}", styles.terms) for title, text in block.clauses]
    return [*flowables, NextPageTemplate("body"), PageBreak()]


def _signatures(block: Signatures, styles: _Styles, width: float) -> KeepTogether:
    columns = []
    for cell in block.cells:
        columns.append(
            [
                Paragraph(cell.party_label, styles.cell_bold),
                Paragraph(cell.legal_name, styles.cell),
                Spacer(1, 16),
                Paragraph(f"By: {cell.signature}", styles.cell),
                Paragraph(f"Name: {cell.name}", styles.cell),
                Paragraph(f"Title: {cell.title}", styles.cell),
                Paragraph(f"Date: {cell.date}", styles.cell),
            ]
        )
    table = Table([columns], colWidths=[width / len(columns)] * len(columns))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Paragraph(block.intro, styles.body_after), Spacer(1, 12), table])
