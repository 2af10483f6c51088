"""Tables: a header line of known column names, then one row per line.

Rows come as Markdown or " | " separated cells, or, from PDF text, as cells joined by single spaces
("Service Manager EUR 5,770.00 per week 5 weeks EUR 28,850.00"). Those are split by the kind of each
column: typed cells (amounts, dates, units, quantities, e-mail addresses, party roles, numbers) are found
by pattern and the free text between them fills the text columns.
"""

import re
from dataclasses import dataclass

from extraction.candidates.labels import COMPANY_SUFFIXES
from extraction.layout import Layout, Line
from extraction.normalize.dates import find_dates
from extraction.normalize.money import find_amounts

COLUMNS: dict[str, tuple[str, ...]] = {
    # a federal schedule numbers its contract line items "CLIN" / "SLIN" (FAR 4.1603)
    "number": (
        "No.", "No", "#", "Item", "Number", "Ref.", "Ref", "ID", "CLIN", "SLIN", "Item No.", "Line Item",
    ),
    "date": (
        "Due Date", "Target Date", "Date", "Completion Date", "Delivery Date", "Payment Date", "Deadline",
        "Due", "Target Completion",
    ),
    "money": (
        "Amount", "Rate", "Hourly Rate", "Daily Rate", "Fee", "Fees", "Price", "Extended", "Budget", "Cost",
        "Total", "Value", "Payment", "Amount Due", "Milestone Payment", "Subtotal", "Costs",
        "Extended Amount", "Unit Price", "Unit Cost", "Extended Price", "Total Price",
    ),
    "unit": ("Unit", "Per"),
    "quantity": (
        "Estimate", "Estimated Hours", "Hours", "Days", "Quantity", "Qty", "Timeframe", "Duration", "Effort",
    ),
    "party": ("Party", "Side"),
    "email": ("Email", "E-mail", "Email Address"),
    "text": (
        "Milestone", "Name", "Role", "Description", "Deliverable", "Deliverables", "Subcontractor", "Scope",
        "Phase", "Title", "Position", "Resource", "Activity", "Task", "Specification", "Company",
        "Organisation",
        "Organization", "Contact", "Service", "Responsibility", "Milestone Name", "Staff", "Level",
        "Category", "Supplies / Services", "Supplies/Services", "Supplies or Services", "Item Description",
    ),
}  # fmt: skip
_COLUMN_KIND = {name.lower(): kind for kind, names in COLUMNS.items() for name in names}
_HEADER_WORD = re.compile(
    r"\s*(?P<name>"
    + "|".join(re.escape(n) for n in sorted(_COLUMN_KIND, key=len, reverse=True))
    + r")(?=\s|$|\|)",
    re.IGNORECASE,
)
_TYPED: dict[str, re.Pattern[str]] = {
    # "1", "2a", "B3", "iv"; a contract line item "0001" and its sub-line "0001AA"
    "number": re.compile(r"(?:\d{4}(?:[A-Z]{2})?|\d{1,2}[a-z]?|[A-Z]\d{0,2}|[ivx]{1,4})\.?(?=\s)"),
    # per unit of time, or a unit of issue as a schedule writes it ("Hour", "Job", "Lot", "Each")
    "unit": re.compile(
        r"(?:per|/)\s*(?:hour|hr|day|week|month)s?\b|(?:hourly|daily|weekly|monthly)\b"
        r"|(?:hours?|hrs?|days?|weeks?|months?|jobs?|lots?|each|lump\s+sum)\b",
        re.I,
    ),
    "quantity": re.compile(r"\d+(?:[.,]\d+)?(?:\s*(?:hours?|hrs?|days?|weeks?|months?|FTEs?)\b)?", re.I),
    "party": re.compile(r"(?:Client|Provider|Customer|Supplier|Vendor|Consultant|Contractor)\b"),
    "email": re.compile(r"[\w+'-]+(?:\.\s?[\w+'-]+)*\s?@\s?[\w-]+(?:\.[\w-]+)+"),
}
# Typed columns whose cells may hold words instead ("Upon final acceptance", "Included", "TBD", "NSP"); an
# amount or quantity cell so written holds no figure.
_MAY_HOLD_WORDS = frozenset({"date", "money", "quantity"})
_FIGURE = re.compile(r"\d")
_WORDED_DATE = re.compile(
    r"(?:upon|on|at|after|before|within|by|following|end\s+of|tbd|tbc|n/a|ongoing|completion)\b", re.I
)
# How many lines after its header a table may run (a bound on the work, far above real tables).
_MAX_TABLE_LINES = 400
_TOTAL_ROW = re.compile(r"^\s*(?:(?:estimated|grand|sub)[\s-]*)?total\b", re.IGNORECASE)


@dataclass(frozen=True)
class Cell:
    text: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell | None, ...]
    start: int
    end: int
    is_total: bool

    def cell(self, index: int) -> Cell | None:
        return self.cells[index] if index < len(self.cells) else None


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[Row, ...]
    header: Line
    last_line: int

    def column(self, *names: str) -> int | None:
        """Index of the first column whose name is one of `names` (case-insensitive)."""
        wanted = {name.lower() for name in names}
        return next((i for i, column in enumerate(self.columns) if column.lower() in wanted), None)


def tables(layout: Layout) -> tuple[Table, ...]:
    found: list[Table] = []
    index = 0
    while index < len(layout.lines):
        columns = header_columns(layout.lines[index].clean)
        if columns is None:
            index += 1
            continue
        table = _read_table(layout, index, columns)
        if table.rows:
            found.append(table)
        index = max(index + 1, table.last_line + 1)
    return tuple(found)


def header_columns(text: str) -> tuple[str, ...] | None:
    """The column names of a header line, or None when the line is not made of column names only."""
    if "|" in text:
        names = tuple(part.strip() for part in text.strip().strip("|").split("|"))
        known = [name for name in names if name.lower().rstrip(":") in _COLUMN_KIND]
        return names if len(names) >= 2 and len(known) * 2 >= len(names) else None
    names_found: list[str] = []
    position = 0
    while position < len(text.rstrip()):
        match = _HEADER_WORD.match(text, position)
        if not match:
            return None
        names_found.append(match.group("name"))
        position = match.end()
    kinds = [_COLUMN_KIND[n.lower()] for n in names_found]
    if len(names_found) < 2 or (kinds.count("text") == len(kinds) == 2 and not _two_text_header(names_found)):
        return None
    return tuple(names_found)


def _two_text_header(names: list[str]) -> bool:
    # "Subcontractor Scope" is a header; two free-text words in a row are usually prose.
    return {n.lower() for n in names} & {"subcontractor", "milestone", "deliverable", "role", "name"} != set()


def kind_of(column: str) -> str:
    return _COLUMN_KIND.get(column.lower().rstrip(":"), "text")


@dataclass(frozen=True)
class _RowText:
    """The text of a row, possibly joined from two lines, and where each part of it is in the document."""

    text: str
    pieces: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, line: Line) -> "_RowText":
        return cls(line.text, ((0, line.start),))

    def joined(self, line: Line, separator: str) -> "_RowText":
        local = len(self.text) + len(separator)
        return _RowText(self.text + separator + line.text, (*self.pieces, (local, line.start)))

    def origin(self, local: int) -> int:
        piece_start, doc_start = max(p for p in self.pieces if p[0] <= local)
        return doc_start + local - piece_start

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.origin(start), self.origin(end - 1) + 1


def _read_table(layout: Layout, header_index: int, columns: tuple[str, ...]) -> Table:
    kinds = tuple(kind_of(column) for column in columns)
    rows: list[Row] = []
    window = layout.lines[header_index + 1 : header_index + 1 + _MAX_TABLE_LINES]
    lines = [line for line in window if not _skipped(layout, line, columns)]
    position, wrapped = 0, False
    while position < len(lines):
        line = lines[position]
        if line.index in layout.heading_lines or header_columns(line.clean) is not None:
            break
        if rows and _fragment(line):
            rows[-1], position = _continued(rows[-1], line), position + 1
            continue
        row = parse_row(_RowText.of(line), kinds)
        if row is None and position + 1 < len(lines):
            following = lines[position + 1]
            row = parse_row(_RowText.of(line).joined(following, "" if _fragment(following) else " "), kinds)
            position += 1 if row is not None else 0
        if row is None:
            if wrapped or not rows or len(line.text.split()) > 4:
                break
            rows[-1], wrapped, position = _continued(rows[-1], line), True, position + 1
            continue
        rows.append(row)
        wrapped, position = False, position + 1
    last_line = lines[position - 1].index if position else header_index
    return Table(columns, kinds, tuple(rows), layout.lines[header_index], last_line)


def _skipped(layout: Layout, line: Line, columns: tuple[str, ...]) -> bool:
    """Running headers and footers, Markdown's |---| rule, and the header repeated after a page break."""
    if line.index in layout.furniture or re.fullmatch(r"\|?[\s:|-]+\|?", line.text):
        return True
    return header_columns(line.clean) == columns


def _fragment(line: Line) -> bool:
    """A scrap of a cell wrapped onto its own line, e.g. the end of an e-mail address ('.nl', 'm')."""
    return bool(re.fullmatch(r"[\w.@-]{1,12}", line.text)) and not re.fullmatch(r"\d+\.?", line.text)


def _continued(row: Row, line: Line) -> Row:
    """A row whose last text or e-mail cell wraps onto `line`."""
    cells = list(row.cells)
    targets = [i for i, c in enumerate(cells) if c is not None and c.kind in ("text", "email")]
    if not targets:
        return row
    target = targets[-1]
    cell = cells[target]
    assert cell is not None
    joiner = "" if cell.kind == "email" else " "
    cells[target] = Cell(cell.text + joiner + line.text.strip(), cell.start, line.end, cell.kind)
    return Row(tuple(cells), row.start, max(row.end, line.end), row.is_total)


def parse_row(row_text: _RowText, kinds: tuple[str, ...]) -> Row | None:
    """Split a row's text into cells of the given kinds, or None if it does not fit them."""
    text = row_text.text
    if "|" in text:
        return _pipe_row(row_text, kinds)
    if _TOTAL_ROW.match(text):
        return _total_row(row_text)
    cells = _match_cells(text, 0, kinds)
    if cells is None or (not any(c is not None and c.kind != "text" for c in cells) and len(kinds) > 2):
        return None
    placed = tuple(None if c is None else Cell(c.text, *row_text.span(c.start, c.end), c.kind) for c in cells)
    return Row(placed, row_text.origin(0), row_text.origin(len(text) - 1) + 1, False)


def _total_row(row_text: _RowText) -> Row | None:
    """A footer row ("Total", "Estimated total"): its label and its amounts, whatever columns they sit in."""
    text = row_text.text
    amounts = find_amounts(text)
    if not amounts:
        return None
    label = text[: amounts[0].start].rstrip()
    cells: list[Cell | None] = [Cell(label, *row_text.span(0, len(label)), "text")]
    cells.extend(Cell(text[a.start : a.end], *row_text.span(a.start, a.end), "money") for a in amounts)
    return Row(tuple(cells), row_text.origin(0), row_text.origin(len(text) - 1) + 1, True)


def _pipe_row(row_text: _RowText, kinds: tuple[str, ...]) -> Row | None:
    text = row_text.text
    cells: list[Cell | None] = []
    for match in re.finditer(r"[^|]+", text):
        raw = match.group()
        if not raw.strip() and (match.start() == 0 or match.end() == len(text)):
            continue
        lead = len(raw) - len(raw.lstrip())
        value = raw.strip()
        start = match.start() + lead
        kind = kinds[len(cells)] if len(cells) < len(kinds) else "text"
        cells.append(Cell(value, *row_text.span(start, start + len(value)), kind) if value else None)
    if len(cells) < 2:
        return None
    first = cells[0].text if cells[0] else ""
    return Row(
        tuple(cells), row_text.origin(0), row_text.origin(len(text) - 1) + 1, bool(_TOTAL_ROW.match(first))
    )


def _match_cells(text: str, position: int, kinds: tuple[str, ...]) -> list[Cell | None] | None:
    """Cells for `kinds` from text[position:]; text columns take what lies before the next typed cell."""
    while position < len(text) and text[position] == " ":
        position += 1
    if not kinds:
        return [] if position >= len(text) else None
    kind = kinds[0]
    if kind != "text":
        for span in _typed_spans(text, position, kind):
            rest = _match_cells(text, span[1], kinds[1:])
            if rest is not None:
                return [Cell(text[span[0] : span[1]], span[0], span[1], kind), *rest]
        if kind not in _MAY_HOLD_WORDS:
            return None
    texts = 1
    while texts < len(kinds) and kinds[texts] == "text":
        texts += 1
    for end in _text_ends(text, position, kinds[texts:]):
        if kind in ("money", "quantity") and _FIGURE.search(text, position, end):
            continue  # a figure where an amount or quantity belongs is that cell's, not words
        rest = _match_cells(text, end, kinds[texts:])
        if rest is not None:
            return [*_split_text(text, position, end, kinds[:texts]), *rest]
    return None


def _text_ends(text: str, position: int, following: tuple[str, ...]) -> list[int]:
    """Where a run of text cells may end: before each place the next typed cell matches, or, for a date
    column written in words, where such words begin ("Upon final acceptance")."""
    if not following:
        return [len(text)]
    ends = []
    for space in re.finditer(r" ", text[position:]):
        start = position + space.end()
        if _typed_at(text, start, following[0]) is not None or (
            following[0] == "date" and _WORDED_DATE.match(text, start)
        ):
            ends.append(start - 1)
    return ends


def _typed_spans(text: str, position: int, kind: str) -> list[tuple[int, int]]:
    """The typed cell at `position`; for a quantity with its unit ("1015 Hour"), also the bare number, for a
    unit column that follows."""
    span = _typed_at(text, position, kind)
    if span is None:
        return []
    number = re.match(r"\d+(?:[.,]\d+)?(?= )", text[span[0] : span[1]]) if kind == "quantity" else None
    return [span, (span[0], span[0] + number.end())] if number else [span]


def _typed_at(text: str, position: int, kind: str) -> tuple[int, int] | None:
    if kind == "date":
        dates = [d for d in find_dates(text[position:]) if d.start == 0]
        return (position, position + dates[0].end) if dates else None
    if kind == "money":
        amounts = [a for a in find_amounts(text[position:]) if a.start == 0]
        return (position, position + amounts[0].end) if amounts else None
    match = _TYPED[kind].match(text, position)
    if not match or (match.end() < len(text) and text[match.end()] not in " "):
        return None
    return match.start(), match.end()


def _name_end(words: list[re.Match[str]]) -> int | None:
    """Where a company name ends and free text starts: after the last legal-form word ("GmbH & Co. KG",
    "Pty. Ltd.") before the first lower-case word, else right before that word."""
    suffix = [w.group().lower().replace(".", "").strip(",") in COMPANY_SUFFIXES for w in words]
    lower = next(
        (i for i, w in enumerate(words) if i and w.group()[0].islower() and not suffix[i]), len(words)
    )
    suffixes = [i for i in range(lower) if suffix[i]]
    if suffixes and suffixes[-1] < len(words) - 1:
        return words[suffixes[-1]].end()
    return words[lower].start() - 1 if 0 < lower < len(words) else None


def _split_text(text: str, start: int, end: int, kinds: tuple[str, ...]) -> list[Cell | None]:
    """Split free text over adjacent text columns: after a legal-form suffix, else before a lowercase word."""
    chunk = text[start:end].rstrip()
    if len(kinds) == 1:
        return [Cell(chunk, start, start + len(chunk), "text") if chunk else None]
    words = list(re.finditer(r"\S+", chunk))
    cut = _name_end(words)
    if cut is None:
        cut = words[min(2, len(words) - 1)].start() - 1 if len(words) > 1 else len(chunk)
    first, rest = chunk[:cut].rstrip(), chunk[cut:].lstrip()
    rest_start = start + len(chunk) - len(rest)
    head = Cell(first, start, start + len(first), "text") if first else None
    return [head, *_split_text(text, rest_start, rest_start + len(rest), kinds[1:])]
