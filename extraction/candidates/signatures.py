"""Signature blocks: By: / Name: / Title: / Date: lines, stacked or side by side, with the party above them.

A block is signed by a person when its signature or name line carries a name (a typed name or "/s/ Name"),
and dated when its date line holds a date; underscores and empty lines are blanks.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from extraction.candidates.form_blocks import form_blocks
from extraction.layout import Layout, Line
from extraction.normalize.dates import find_dates

_FIELD = re.compile(
    r"(?P<label>By|Signature|Signed|Sign|Name|Print(?:ed)?\s+Name|Title|Position|Date|Dated|Date\s+Signed)"
    r"\s*:",
    re.IGNORECASE,
)
# Inside a block, a label may go without its colon: "Name Andrew Lee" / "Title PRESIDENT" / "Date 13/07/05".
_BARE_FIELD = re.compile(
    r"(?P<label>Signature|Name|Print(?:ed)?\s+Name|Title|Position|Date|Dated|Date\s+Signed)[ \t]+(?=\S)"
)
# A conformed signature on a line of its own: "/s/ Jane Doe".
_CONFORMED = re.compile(r"[ \t]*(?P<label>/s/)[ \t]*(?=\S)", re.IGNORECASE)
_FIELD_KEYS = {
    "/s/": "signature", "by": "signature", "signature": "signature", "signed": "signature",
    "sign": "signature", "name": "name", "print name": "name", "printed name": "name", "title": "title",
    "position": "title", "date": "date", "dated": "date", "date signed": "date",
}  # fmt: skip
_BLANK = re.compile(r"^[\s_.\-\[\]●•*]*$")


@dataclass(frozen=True)
class Entry:
    """One filled-in or blank field of a block: its value's text and span, and the span of its whole line
    (label included), which quotes the field even when the value is blank."""

    text: str
    start: int
    end: int
    line: tuple[int, int]

    @property
    def blank(self) -> bool:
        return bool(_BLANK.match(self.text))


@dataclass
class SignatureBlock:
    entries: dict[str, Entry] = field(default_factory=dict)
    heading: list[Line] = field(default_factory=list)
    signed_on: date | None = None

    @property
    def start(self) -> int:
        return min(entry.line[0] for entry in self.entries.values())

    @property
    def end(self) -> int:
        return max(entry.line[1] for entry in self.entries.values())

    @property
    def signer(self) -> Entry | None:
        """The signer's name: the name line, else a typed or /s/ signature."""
        for key in ("name", "signature"):
            entry = self.entries.get(key)
            if entry and not entry.blank and re.search(r"[A-Za-z]{2}", entry.text):
                return entry
        return None


def signature_blocks(layout: Layout) -> tuple[SignatureBlock, ...]:
    """Every signature block, in reading order; side-by-side blocks come column by column."""
    blocks: list[SignatureBlock] = []
    current: list[SignatureBlock] = []
    last_line = -10
    for line in layout.lines:
        fields = list(_FIELD.finditer(line.text))
        conformed = _CONFORMED.match(line.text) if not fields else None
        if conformed:
            # "/s/ Jane Doe" with no label: a signature line, or the signature of the block just above
            near = current and line.index - last_line <= 3
            if near and all(block.signer is None for block in current) and len(current) == 1:
                current[0].entries.update(_columns(line, [conformed])[0])
                last_line = line.index
                continue
            fields = [conformed]
        elif not fields or fields[0].start() > 3:
            # no labelled line; inside a single block, a label without its colon still continues it
            in_block = len(current) == 1 and line.index - last_line <= 2
            bare = _BARE_FIELD.match(line.text) if in_block else None
            if bare is None:
                continue
            fields = [bare]
        columns = _columns(line, fields)
        # a block's lines sit within three of each other; its date line may come one further, under the
        # signer's name, title and company
        dates_only = all(column.keys() == {"date"} for column in columns)
        reach = 4 if dates_only and not any("date" in block.entries for block in current) else 3
        fresh = line.index - last_line > reach or len(columns) != len(current)
        if not fresh:
            fresh = any(
                block.entries.keys() & column.keys() for block, column in zip(current, columns, strict=True)
            )
        if fresh:
            current = [SignatureBlock(heading=_heading_lines(layout, line)) for _ in columns]
            blocks.extend(current)
        for block, column in zip(current, columns, strict=True):
            block.entries.update(column)
        last_line = line.index
    blocks += _form_signatures(layout)
    for block in blocks:
        block.signed_on = _date_of(block, layout)
    kept = [block for block in blocks if "signature" in block.entries or "name" in block.entries]
    return tuple(sorted(kept, key=lambda block: block.start))


def _form_signatures(layout: Layout) -> list[SignatureBlock]:
    """A flattened form's signature blocks: the lettered parts of one numbered block that asks for a
    signature, a signer's name or the date signed ("30a. SIGNATURE OF OFFEROR", "30b. NAME AND TITLE OF
    SIGNER", "30c. DATE SIGNED"), each with what is filled in under it or blank."""
    parts: dict[str, dict[str, Entry]] = {}
    for block in form_blocks(layout):
        key = _form_key(block.label)
        if key is None or not block.number[-1].isalpha():
            continue
        line = block.line
        value = block.value
        entry = (
            Entry(value.text, value.start, value.end, (line.start, value.end))
            if value
            else Entry("", line.end, line.end, (line.start, line.end))
        )
        parts.setdefault(block.number[:-1], {}).setdefault(key, entry)
    return [SignatureBlock(entries=entries) for entries in parts.values()]


def _form_key(label: str) -> str | None:
    if re.search(r"\bDATE\s+SIGNED\b", label, re.I):
        return "date"
    if re.search(r"\bNAME\b", label, re.I):
        return "name"
    if re.search(r"\bSIGNATURE\b", label, re.I):
        return "signature"
    return None


def _columns(line: Line, fields: list[re.Match[str]]) -> list[dict[str, Entry]]:
    """The fields of a line by column: a label repeated on one line ("By: … By: …") starts a second column."""
    columns: list[dict[str, Entry]] = [{}]
    for position, match in enumerate(fields):
        end = fields[position + 1].start() if position + 1 < len(fields) else len(line.text)
        raw = line.text[match.end() : end]
        value = raw.strip().strip("*").strip()
        offset = line.start + match.end() + (raw.find(value) if value else 0)
        key = _FIELD_KEYS[re.sub(r"\s+", " ", match.group("label").lower())]
        if key in columns[-1]:
            columns.append({})
        columns[-1][key] = Entry(
            value, offset, offset + len(value), (line.start + match.start(), offset + len(value))
        )
    return columns


def _heading_lines(layout: Layout, first: Line) -> list[Line]:
    """Up to two lines above a block that name its party, nearest first."""
    above = layout.lines[max(0, first.index - 2) : first.index]
    return [line for line in reversed(above) if not _FIELD.match(line.text)]


def _date_of(block: SignatureBlock, layout: Layout) -> date | None:
    """The block's date line's date; else a date that ends the signature's line ("/s/ Jane Doe 5/17/12",
    "/s/ Acme Ltd. [signed electronically on May 2, 2019]")."""
    entry = block.entries.get("date")
    if entry is None or entry.blank:
        entry = block.entries.get("signature")
        if entry is None or entry.blank:
            return None
        written = [m for m in find_dates(entry.text, layout.date_order) if m.value is not None]
        if not written or entry.text[written[-1].end :].strip(" \t.,;)]"):
            return None
        return written[-1].value
    dates = [m.value for m in find_dates(entry.text, layout.date_order) if m.value is not None]
    return dates[0] if dates else None
