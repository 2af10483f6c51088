"""Deliverables, assumptions and out-of-scope items: the bullets (or table rows) under their headings."""

import re

from extraction.candidates.tables import Table
from extraction.fields.base import LABELLED, TABLE, Found, found
from extraction.layout import WRAPPED_SHARE, Layout, Line

SECTIONS: dict[str, re.Pattern[str]] = {
    "deliverables": re.compile(r"\bdeliverables?\b", re.I),
    "assumptions": re.compile(r"\bassumptions?\b", re.I),
    "out_of_scope": re.compile(
        r"\bout[\s-]+of[\s-]+scope\b|\bexclusions?\b|\bnot\s+in\s+scope\b|\bexcluded\b|\bnot\s+included\b",
        re.I,
    ),
}
_BULLET = re.compile(r"^\s*(?:[*+\-o]|\(?[a-z]\)|\(?[ivx]{1,4}\)|\d{1,2}[.)]|\(\d{1,2}\))(?:\s+|$)")
# Headings whose subject is another list even though they mention this one ("Deliverable Acceptance").
_OTHER_SUBJECT = re.compile(r"\bacceptance\b|\bschedule\b|\bmilestones?\b|\bapproach\b|\bpricing\b", re.I)
MAX_ITEMS = 60


def section_items(layout: Layout, tables: tuple[Table, ...], name: str) -> list[Found[str]]:
    """The items listed under the first heading that names the section, as written; failing that, under the
    first heading whose meaning is the section's ("Key Outputs", "Things We Will Not Do") and that is not a
    box of a form (a form's "DELIVER TO" box holds an address, its next boxes are no list)."""
    named = [h for h in layout.headings if SECTIONS[name].search(h.title)]
    meant = [
        h
        for h in layout.headings
        if name in layout.section_kinds.get(h.line.index, ()) and h.line.page not in layout.form_pages
    ]
    for heading in (*named, *(h for h in meant if h not in named)):
        if _OTHER_SUBJECT.search(heading.title):
            continue
        lines = [line for line in layout.section_lines(heading) if line.index not in layout.furniture]
        lines = _introduced_group(lines, name)
        items = _bullets(layout, lines) or _table_items(tables, lines) or _plain_lines(layout, lines)
        if items:
            return items[:MAX_ITEMS]
    return []


# What a lead-in sentence of each list says ("… based on the following assumptions:", "… does not include:").
LEAD_INS: dict[str, re.Pattern[str]] = {
    "deliverables": re.compile(r"\bdeliver|\boutputs?\b|\bwork\s+products?\b", re.I),
    "assumptions": re.compile(r"\bassum|\bbased\s+on\b|\bdepend", re.I),
    "out_of_scope": re.compile(
        r"\bnot\s+(?:include|cover)|\bexclu|\bout\s+of\s+scope\b|\bnot\s+in\s+scope\b", re.I
    ),
}


def _introduced_group(lines: list[Line], name: str) -> list[Line]:
    """When a section holds several lists, each after a lead-in sentence ending ':', the lines of the one
    whose lead-in speaks of `name` (up to the next lead-in). When none does, the list set right under the
    heading, before the first lead-in, is the heading's own; otherwise all the section's lines."""
    leads = [
        i
        for i, line in enumerate(lines)
        if line.clean.rstrip().endswith(":") and not _BULLET.match(line.text)
    ]
    if not leads:
        return lines
    if len(leads) >= 2:
        for position, lead in enumerate(leads):
            if LEAD_INS[name].search(lines[lead].clean):
                end = leads[position + 1] if position + 1 < len(leads) else len(lines)
                return lines[lead:end]
    if any(_BULLET.match(line.text) for line in lines[: leads[0]]) and not LEAD_INS[name].search(
        lines[leads[0]].clean
    ):
        return lines[: leads[0]]
    return lines


def _bullets(layout: Layout, lines: list[Line]) -> list[Found[str]]:
    """Bulleted or numbered items; a wrapped item's next line joins it, a bare bullet takes the next line."""
    items: list[list[int]] = []
    open_item = False
    for line in lines:
        bullet = _BULLET.match(line.text)
        if bullet:
            items.append([line.start + bullet.end(), line.end])
            open_item = True
        elif open_item and _continues(layout, line, empty=items[-1][0] >= items[-1][1]):
            items[-1] = [line.start if items[-1][0] >= items[-1][1] else items[-1][0], line.end]
        else:
            open_item = False
    if items:
        items = _unbulleted_first(lines, items) + items
    return [_item(layout, start, end, LABELLED) for start, end in items if layout.text[start:end].strip()]


def _unbulleted_first(lines: list[Line], items: list[list[int]]) -> list[list[int]]:
    """A first item whose bullet a scan lost: the line between the lead-in (':') and the first bullet, on the
    lead-in's page (on the next, it is that page's running header)."""
    before = [line for line in lines if line.end <= items[0][0]]
    lead = [i for i, line in enumerate(before) if line.text.rstrip().endswith(":")]
    if not lead:
        return []
    page = before[lead[-1]].page
    between = [
        line for line in before[lead[-1] + 1 :] if re.search(r"[A-Za-z]{3}", line.text) and line.page == page
    ]
    return [[line.start, line.end] for line in between if not _BULLET.match(line.text)][:1]


def _continues(layout: Layout, line: Line, empty: bool) -> bool:
    """Whether `line` carries on the open item: the text of a bare bullet, or a wrapped item's next line."""
    if empty:
        return True
    previous = layout.lines[line.index - 1]
    finished = previous.text.rstrip().endswith((".", ":", ";")) and line.text[:1].isupper()
    # a line wraps only when it is full: after a short line, a capitalised line starts something new
    short = len(previous.text.rstrip()) < WRAPPED_SHARE * layout.widest_line[previous.page]
    return not finished and not (short and line.text[:1].isupper()) and not line.text.rstrip().endswith(":")


def _plain_lines(layout: Layout, lines: list[Line]) -> list[Found[str]]:
    """Items set one per line without bullets (or whose bullets a scan lost), after a lead-in ending ':'.
    A line that starts in lower case continues the item above it."""
    lead = next((i for i, line in enumerate(lines) if line.text.rstrip().endswith(":")), None)
    if lead is None or lead > 1:
        return []
    spans: list[list[int]] = []
    for line in lines[lead + 1 :]:
        if spans and line.text[:1].islower():
            spans[-1][1] = line.end
        else:
            spans.append([line.start, line.end])
    return [_item(layout, start, end, LABELLED - 0.15) for start, end in spans] if len(spans) >= 2 else []


def _item(layout: Layout, start: int, end: int, confidence: float) -> Found[str]:
    value = re.sub(r"\s+", " ", layout.text[start:end]).strip().rstrip(";,")
    value = re.sub(r"\*\*|__|`", "", value).strip()
    return found(value, confidence, (start, end))


def _table_items(tables: tuple[Table, ...], lines: list[Line]) -> list[Found[str]]:
    """Rows of a table in the section: the first text column that is not a bare number."""
    indexes = {line.index for line in lines}
    for table in tables:
        if table.header.index not in indexes:
            continue
        column = next(
            (i for i, kind in enumerate(table.kinds) if kind == "text" and _worded(table, i)),
            None,
        )
        if column is None:
            continue
        items = []
        for row in table.rows:
            cell = row.cell(column)
            if cell and not row.is_total:
                items.append(found(re.sub(r"\s+", " ", cell.text), TABLE, (cell.start, cell.end)))
        return items
    return []


def _worded(table: Table, column: int) -> bool:
    cells = [row.cell(column) for row in table.rows]
    return any(cell and re.search(r"[A-Za-z]{3}", cell.text) for cell in cells)
