"""The parsed text as lines, headings and sections, plus the document-wide habits the normalisers need.

Every rule reads `Layout.text`, a copy of ParsedDocument.text of the same length in which typographic
characters are made plain (curly quotes, dashes, no-break spaces) and, on OCR pages, letters misread inside
numbers are read as digits. Because the length never changes, any offset found in it is an offset into the
document, and evidence is always cut from the document's own text.
"""

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from extraction.normalize.dates import DateMatch, DateOrder, find_dates, infer_order
from extraction.normalize.money import AmountMatch, find_amounts, uses_decimal_comma
from extraction.sections import SectionClassifier
from models.document import FORM_LAYERS, ParsedDocument

_PLAIN = str.maketrans(
    {
        "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\t": " ",
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
        "\u2022": "*", "\u25aa": "*", "\u25cf": "*", "\u00b7": "*", "\u2023": "*", "\u25e6": "*",
    }
)  # fmt: skip
# A figure in which OCR read some digits as letters: '2O26', 'l6', '$l2,5OO' (two real digits at least).
_OCR_NUMBER = re.compile(r"(?<![A-Za-z])[0-9OolI|S][0-9OolI|,.]*[0-9OolI](?![A-Za-z])")
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
_OCR_BULLET = re.compile(r"(?m)^[e«©°»](?=\s+[A-Z])")
_MARKUP = re.compile(r"^\s*(?:#{1,6}\s+|>\s*)?(?:[*+\-]\s+(?=\S))?|\*\*|__|`")
_NUMBERING = re.compile(
    r"^(?:(?P<depth>\d{1,2}(?:\.\d{1,2}){0,3})[.,]?|[A-Z]\.|[IVX]{1,5}\.|(?:section|article|clause)\s+\d+(?:\.\d+)*\.?"
    # a lettered or Roman-numbered part of a uniform contract ("Section B — Supplies", "PART I - SCHEDULE")
    r"|(?:section|part|article)\s+(?:[A-Z]|[IVX]{1,5})\s*[—–:-]"
    r"|(?:schedule|exhibit|appendix|annex|attachment)\s+[A-Z0-9]{1,3}[.:]?)\s+(?=\S)",
    re.IGNORECASE,
)

# A line of prose has at least this many words; a name, a title or an address line fewer.
_PARAGRAPH_WORDS = 6
# The first lines of a document that hold its title, parties and reference; and a word of them.
_TITLE_BLOCK_LINES = 10
_WORD = re.compile(r"[A-Za-z0-9][\w&'-]*")
# A line shorter than this share of its page's longest line ended where it did: it did not wrap.
WRAPPED_SHARE = 0.7
# The start of a bulleted or numbered list item.
_LIST_START = re.compile(r"^\s*(?:[*+\-•]|\d{1,2}[.)]|\([a-z0-9]{1,3}\))\s+\S")
# Words of a list item's text (a footer set between dashes, "- Page 2 of 5 -", has fewer).
_ITEM_WORDS = 4
# How much of a page's last line may hold the currency of an amount whose figure starts the next page.
_JOIN_REACH = 12
_BARE_BULLET = re.compile(r"\s*[*+\-•]\s*")
# Amounts, dates and percentages do not appear in headings but do in table rows.
_FIGURES = re.compile(r"[$£€₹¥%]|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b(?:19|20)\d\d\b|\d,\d{3}")

# A heading of a form, sample or worked example appended to the contract ("Exhibit C – Form of Change Order",
# "SAMPLE OF CONFIDENTIALITY AGREEMENT", "(FORM)", "Example Fee Calculation", "Illustrative invoice",
# "Template purchase order", "Invoice layout (for illustration only)"): what follows shows how a later
# document or calculation will look, with blanks or made-up figures, and states none of this contract's terms.
_APPENDIX_PREFIX = re.compile(
    r"^(?:(?:exhibit|schedule|appendix|annex|attachment|addendum)(?:\s+[A-Z0-9]{1,3}\b)?)?[\s\-–—:.]*", re.I
)
_NOT_OPERATIVE = re.compile(
    r"^(?:\(\s*form\s*\)$|(?:forms?|samples?|specimens?|templates?|models?)\s+of\b"
    r"|(?:examples?|specimens?|samples?|templates?|illustrat\w+|hypothetical|mock)\b)"
    r"|\((?:for\s+)?(?:examples?|illustrat\w+|samples?|specimens?)(?:\s+(?:only|purposes(?:\s+only)?))?\)",
    re.I,
)
# An appendix's caption on a line of its own, in any case: "Annex B — Illustrative invoice", "Exhibit 2:
# Pricing", "Schedule C" (not "Schedule A sets out the fees", nor a contents line ending in its page number).
_APPENDIX_CAPTION = re.compile(
    r"^(?:Exhibit|Schedule|Appendix|Annex|Attachment|Addendum|EXHIBIT|SCHEDULE|APPENDIX|ANNEX|ATTACHMENT|ADDENDUM)"
    r"\s+[A-Z0-9]{1,3}(?:$|\s*[-–—:.]\s+[^.]{1,70}?(?<![.\s]\d)(?<![.\s]\d\d)$)"
)
_APPENDIX_HEADING = re.compile(r"^(?:exhibit|schedule|appendix|annex|attachment|addendum)\b", re.I)
# Where an appended form may start: past this share of the document's lines (a form's title at the top is
# the document itself, as filed: "FORM OF RESELLER AGREEMENT").
_APPENDED_AFTER = 0.5

# Words of a passage that speaks to an extractor or model instead of stating contract terms.
INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:the\s+|your\s+)?(?:\w+\s+){0,2}?"
    r"(?:previous|prior|above|earlier|preceding|other|instructions?|rules)\b"
    r"|\b(?:language\s+model|LLM|AI\s+(?:system|model|assistant)|extractor"
    r"|automated\s+(?:system|reader|parser|extraction)s?)\b|\bsystem\s+prompt\b"
    # chat-role markers that open a turn of a conversation: "SYSTEM:", "[assistant]", "<|im_start|>"
    r"|(?:^|(?<=[\s(\"']))(?-i:SYSTEM|ASSISTANT)\s*:|\[(?:system|assistant|user|inst)\]|<\|im_start\|>",
    re.I,
)
# How many sentences after such words still belong to the passage ("… The total is $1.").
_INSTRUCTED_SENTENCES = 2
# A line shorter than this share of the longest line near it is not wrapped prose.
_SHORT_LINE = 0.7
_RULE_LINE = re.compile(r"\s*[-_]{3,}\s*")
# (a single capital and a comma after a full stop go on an address: "Bl. D, Scara C")
_SENTENCE_END = re.compile(r"[.!?;](?=\s+[\"(\[<A-Z0-9])(?!\s+[A-Z],)")
# A full stop inside a name or reference ("Inc.", "No.", "U.S.") does not end a sentence.
_ABBREVIATION = re.compile(
    r"(?:\b(?:Inc|Corp|Ltd|Co|No|Nos|Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|e\.g|i\.e|approx|Pty|Fig|Sec|Art"
    # in an address or a reference: "Str. Lunga", "Apt. 43", "Nr. 11", "Ste. 200", "Tel. 555 0100"
    r"|Apt|Ste|Str|Nr|Bldg|Fl|Rm|Tel|Fax|Ext|Vol|Para|Sect|Dept)|\b[A-Z]|\d)\.$"
)


@dataclass(frozen=True)
class Line:
    """One non-blank line: offsets of its stripped text, its page, the plain text and a markup-free copy."""

    index: int
    start: int
    end: int
    page: int
    text: str
    clean: str


@dataclass(frozen=True)
class Heading:
    line: Line
    title: str
    level: int


def plain_text(doc: ParsedDocument, hidden: tuple[tuple[int, int], ...] = ()) -> str:
    """Same-length copy of doc.text with typography made plain and OCR's misreadings repaired; the `hidden`
    spans are blanked (spaces, their line breaks kept), so no rule reads them."""
    text = doc.text.translate(_PLAIN)
    for start, end in hidden:
        text = text[:start] + re.sub(r"[^\n\f]", " ", text[start:end]) + text[end:]
    for page in doc.pages:
        if not page.ocr:
            continue
        segment = _OCR_NUMBER.sub(_repair_number, text[page.char_start : page.char_end])
        # Table rules read as '|', bullets as 'e', '«' or '©': a scan's tables and lists read like the text's.
        segment = _OCR_BULLET.sub("*", segment.replace("|", " "))
        text = text[: page.char_start] + segment + text[page.char_end :]
    return text


def _repair_number(match: re.Match[str]) -> str:
    token = match.group()
    if sum(char.isdigit() for char in token) < 2:
        return token
    repaired = token.translate(_OCR_DIGITS)
    return "$" + repaired[1:] if repaired.startswith("S") else repaired


def clean_markup(text: str) -> str:
    """A line without Markdown emphasis, heading marks, quote marks or list bullets."""
    return _MARKUP.sub("", text).strip()


class Layout:
    """Lines, headings and document habits of one parsed document; built once, read by every field rule."""

    def __init__(
        self,
        doc: ParsedDocument,
        date_order: DateOrder | None = None,
        sections: SectionClassifier | None = None,
        hidden: tuple[tuple[int, int], ...] = (),
    ) -> None:
        self.doc = doc
        self.classifier = sections
        self.text = plain_text(doc, hidden)
        self.lines = _lines(doc, self.text)
        self._starts = [line.start for line in self.lines]
        self.decimal_comma = uses_decimal_comma(self.text)
        self.date_order: DateOrder = date_order or infer_order(
            self.text, "dmy" if self.decimal_comma else None
        )

    @cached_property
    def form_pages(self) -> frozenset[int]:
        """The pages intake read as a filled form saved flat (each value on the lines after its label)."""
        return frozenset(w.page for w in self.doc.warnings if w.code == FORM_LAYERS and w.page is not None)

    @cached_property
    def dates(self) -> tuple[DateMatch, ...]:
        """Every date written in the text, read in the document's date order."""
        return tuple(find_dates(self.text, self.date_order))

    @cached_property
    def amounts(self) -> tuple[AmountMatch, ...]:
        """Every amount written with a currency in the text, also one whose currency ends a page and whose
        figure starts the next page's text, a running footer and header between them."""
        found = find_amounts(self.text, self.decimal_comma)
        return tuple(sorted((*found, *self._amounts_over_page_breaks()), key=lambda amount: amount.start))

    def _amounts_over_page_breaks(self) -> list[AmountMatch]:
        split: list[AmountMatch] = []
        for line in self.lines:
            following = None if line.index in self.furniture else self._body_after(line)
            if following is None:
                continue
            tail = line.text[-_JOIN_REACH:]
            joined = f"{tail} {following.text}"
            for amount in find_amounts(joined, self.decimal_comma):
                if amount.start < len(tail) < amount.end and amount.currency is not None:
                    figure = re.match(r"\d[\d,.' ]*\d|\d", joined[len(tail) + 1 :])
                    if figure is not None:
                        start = following.start + figure.start()
                        split.append(
                            AmountMatch(start, start + figure.end(), amount.value, amount.currency, False)
                        )
        return split

    def _body_after(self, line: Line) -> Line | None:
        """The line the text goes on with after `line` at the foot of a page: the next page's first line past
        the running footer and header; None when no furniture follows `line` or the next is on its page."""
        position = line.index + 1
        while position < len(self.lines) and position in self.furniture:
            position += 1
        if (
            position == line.index + 1
            or position >= len(self.lines)
            or self.lines[position].page == line.page
        ):
            return None
        return self.lines[position]

    def _body_before(self, line: Line) -> Line | None:
        """The last line of the page before, past the running header and footer, when `line` opens its page's
        text (the reverse of `_body_after`)."""
        position = line.index - 1
        while position >= 0 and position in self.furniture:
            position -= 1
        if position < 0 or position == line.index - 1 or self.lines[position].page == line.page:
            return None
        return self.lines[position]

    def line_at(self, offset: int) -> Line | None:
        """The line holding `offset`, if any."""
        position = bisect.bisect_right(self._starts, offset) - 1
        if position >= 0 and self.lines[position].start <= offset < self.lines[position].end:
            return self.lines[position]
        return None

    def next_line(self, line: Line) -> Line | None:
        return self.lines[line.index + 1] if line.index + 1 < len(self.lines) else None

    @cached_property
    def sentences(self) -> tuple[tuple[int, int], ...]:
        """Spans of the sentences of the text; headings, bullets and blank lines end a sentence too."""
        breaks = {0, len(self.text)}
        for match in _SENTENCE_END.finditer(self.text):
            if not _ABBREVIATION.search(self.text, max(0, match.start() - 6), match.start() + 1):
                breaks.add(match.end())
        for line in self.lines:
            if line.index in self.heading_lines:
                breaks.update((line.start, line.end))
            elif self._blank_in_prose(line):
                continue
            elif self._stands_alone(line):
                breaks.add(line.end)
            if re.match(r"[*+#|>-]", line.text):
                breaks.add(line.start)
        for match in re.finditer(r"\n\s*\n|\f", self.text):
            if not self._mid_sentence(match.start(), match.end()):
                breaks.add(match.start())
        ordered = sorted(breaks)
        return tuple((a, b) for a, b in itertools.pairwise(ordered) if self.text[a:b].strip())

    def _mid_sentence(self, start: int, end: int) -> bool:
        """A page break or blank line inside a sentence: a lower-case word or a comma before it and a
        lower-case word after it ("governed by, the" / page break / "laws of the State of …")."""
        before = self.text[max(0, start - 1) : start]
        after = self.text[end : end + 40].lstrip()
        return bool(re.fullmatch(r"[a-z,]", before) and re.match(r"[a-z]", after))

    def _blank_in_prose(self, line: Line) -> bool:
        """A line of only dashes or underscores after a line that stops mid-sentence ("effective upon the" /
        "-------" / "Effective Date and …"): a blank to fill in or an underline, inside the sentence."""
        previous = self.lines[line.index - 1] if line.index > 0 else None
        return bool(
            _RULE_LINE.fullmatch(line.text)
            and previous is not None
            and previous.page == line.page
            and re.search(r"[a-z,]\s*$", previous.text)
        )

    def _stands_alone(self, line: Line) -> bool:
        """A line that ends its text: a form or table row, a title, a paragraph's last line. Wrapped prose
        fills its column, so a line well short of its neighbours and followed by a capital stands alone."""
        following = self.next_line(line)
        if following is None or not re.match(r"[A-Z0-9(\"'*#|-]", following.text):
            return False
        if self._blank_in_prose(following):
            return False
        near = [
            other for other in self.lines[max(0, line.index - 3) : line.index + 4] if other.page == line.page
        ]
        return len(line.text) < _SHORT_LINE * max(len(other.text) for other in near)

    @cached_property
    def _instructed(self) -> tuple[tuple[int, int], ...]:
        """Passages that address whoever reads the document rather than state its terms: a sentence with
        instruction words and the sentences right after it, up to the next heading."""
        spans = []
        for match in INSTRUCTION.finditer(self.text):
            position = bisect.bisect_right(self._sentence_starts, match.start()) - 1
            following = self.sentences[position : position + _INSTRUCTED_SENTENCES]
            heading = next(
                (h.line.start for h in self.headings if h.line.start > match.start()), len(self.text)
            )
            spans.append((following[0][0], min(following[-1][1], heading)))
        return tuple(spans)

    def addressed_to_reader(self, offset: int) -> bool:
        """Whether `offset` lies in a passage that tries to instruct the reader (an extractor, a model)."""
        return any(start <= offset < end for start, end in self._instructed)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [span[0] for span in self.sentences]

    @cached_property
    def _heading_starts(self) -> list[int]:
        return [heading.line.start for heading in self.headings]

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The span of the sentence holding `offset`."""
        position = max(0, bisect.bisect_right(self._sentence_starts, offset) - 1)
        return self.sentences[position]

    def runs_over_page_break(self, end: int) -> int | None:
        """Where a sentence that ends at `end` with no closing punctuation, at the foot of a page, goes on:
        the end of the first sentence of the next page's text, past the running footer and header between
        them ("… up to a maximum of" / footer / header / "$75,000.00."). None when it does not run over."""
        last = self.line_at(max(0, len(self.text[:end].rstrip()) - 1))
        while last is not None and last.index in self.furniture and last.index > 0:
            last = self.lines[last.index - 1]  # the sentence took in the footer below it
        following = self._body_after(last) if last is not None and not _closes(last) else None
        return self.sentence_at(following.start)[1] if following is not None else None

    def sentence_across_break(self, offset: int) -> tuple[int, int]:
        """The sentence holding `offset`; when it opens a page's text and the page before ends mid-sentence,
        from that sentence's start (read its text with `without_furniture`)."""
        start, end = self.sentence_at(offset)
        line = self.line_at(offset)
        above = self._body_before(line) if line is not None else None
        if line is None or above is None or self.text[line.start : offset].strip() or _closes(above):
            return start, end
        return self.sentence_at(above.start)[0], end

    def without_furniture(self, start: int, end: int) -> str:
        """The text between two offsets with the running headers and footers in it left out."""
        first = max(0, bisect.bisect_right(self._starts, start) - 1)
        last = bisect.bisect_left(self._starts, end)
        kept = (
            line
            for line in self.lines[first:last]
            if line.index not in self.furniture and line.end > start and line.start < end
        )
        return " ".join(self.text[max(line.start, start) : min(line.end, end)] for line in kept)

    @cached_property
    def widest_line(self) -> dict[int, int]:
        """Page → length of its longest line (a line shorter than most of it did not wrap)."""
        widest: dict[int, int] = {}
        for line in self.lines:
            widest[line.page] = max(widest.get(line.page, 0), len(line.text.rstrip()))
        return widest

    @cached_property
    def furniture(self) -> frozenset[int]:
        """Indexes of running headers and footers: lines at the top or bottom of a page that begin the same
        way (digits aside, as page numbers differ) on half the pages or more. An item of a list is none, even
        when the items either side of a page break begin alike ("• The Client will …")."""
        if len(self.doc.pages) < 2:
            return frozenset()
        by_page: dict[int, list[Line]] = {}
        for line in self.lines:
            by_page.setdefault(line.page, []).append(line)
        edges = [
            line
            for lines in by_page.values()
            for line in (*lines[:2], *lines[-2:])
            if not (
                _LIST_START.match(line.text) and len(re.findall(r"[A-Za-z]{2,}", line.text)) >= _ITEM_WORDS
            )
        ]
        repeated = _on_many_pages(edges, max(2, len(self.doc.pages) / 2))
        return frozenset(repeated | self._second_page_header(by_page))

    @cached_property
    def _repeated_lines(self) -> frozenset[int]:
        """Indexes of lines that begin the same way (digits aside) on half the pages or more, and on three at
        least, anywhere on the page: furniture the text layer printed mid-page ("Source: Acme Inc., 10-K")."""
        if len(self.doc.pages) < 2:
            return frozenset()
        return frozenset(_on_many_pages(self.lines, max(3, len(self.doc.pages) / 2)))

    def repeated_line(self, offset: int) -> bool:
        """Whether the line at `offset` is furniture, or printed on half the pages or more."""
        line = self.line_at(offset)
        return line is not None and (line.index in self._repeated_lines or line.index in self.furniture)

    def _second_page_header(self, by_page: dict[int, list[Line]]) -> set[int]:
        """A running header printed from the second page on, in a document of two pages, shows only once: the
        top line of page two, when it repeats words of the first page's title block ("Acme Ltd · Data
        Platform") and is no heading."""
        pages = sorted(by_page)
        if len(pages) != 2 or not by_page[pages[1]]:
            return set()
        top = by_page[pages[1]][0]
        title_block = {
            w.lower() for line in by_page[pages[0]][:_TITLE_BLOCK_LINES] for w in _WORD.findall(line.text)
        }
        words = [w.lower() for w in _WORD.findall(top.text)]
        if len(words) < 3 or _heading(top) is not None or top.text.rstrip().endswith((".", ":", ";", ",")):
            return set()
        return {top.index} if all(word in title_block for word in words) else set()

    @cached_property
    def heading_lines(self) -> frozenset[int]:
        return frozenset(heading.line.index for heading in self.headings)

    @cached_property
    def headings(self) -> tuple[Heading, ...]:
        found = (_heading(line) or self._introduces_list(line) for line in self.lines)
        return tuple(heading for heading in found if heading is not None)

    def _ends_a_block(self, line: Line) -> bool:
        """A line that closes a paragraph or is a list item (its bullet on it, or alone on the line above)."""
        above = self.lines[line.index - 1] if line.index else None
        return (
            line.clean.rstrip().endswith((".", ":", "!", "?"))
            or _LIST_START.match(line.text) is not None
            or (above is not None and _BARE_BULLET.fullmatch(above.text) is not None)
        )

    def _introduces_list(self, line: Line) -> Heading | None:
        """A sentence-case heading ("What we will deliver", "Key outputs"): a short line without closing
        punctuation, after the end of a paragraph, a list item or a heading, right before a bulleted list or a
        lead-in sentence of one ("… the following assumptions:")."""
        text = line.clean
        following = self.lines[line.index + 1] if line.index + 1 < len(self.lines) else None
        after = self._over_page_break(following) if following is not None else None
        before = self.lines[line.index - 1] if line.index else None
        lead_in = (
            following is not None
            and following.clean.rstrip().endswith(":")
            and after is not None
            and self._starts_list(after)
        )
        if (
            following is None
            or not (self._starts_list(following) or lead_in or self._opens_paragraph(line, following))
            or _LIST_START.match(line.text)
            or not re.match(r"[A-Z][a-z]", text)
            or not 1 <= len(text.split()) <= 6
            or text.endswith((".", ",", ";", ":"))
            or _FIGURES.search(text)
            or (before is not None and not self._ends_a_block(before) and not self._tops_a_page(before))
        ):
            return None
        return Heading(line, text, 3)

    def _starts_list(self, line: Line) -> bool:
        """A list item, or a bullet alone on its line with the item on the next ("•" / "Site survey")."""
        if _LIST_START.match(line.text):
            return True
        following = self.next_line(line)
        return (
            _BARE_BULLET.fullmatch(line.text) is not None and following is not None and bool(following.clean)
        )

    def _over_page_break(self, line: Line) -> Line | None:
        """The line after `line` in the text's run: past the footer and header of a page break when `line`
        ends its page (lines at a page's edges that are not list items)."""
        position = line.index + 1
        while position < len(self.lines):
            candidate = self.lines[position]
            edge = candidate.index in self.furniture or (
                candidate.page != line.page and self._tops_a_page(candidate)
            )
            if not edge or _LIST_START.match(candidate.text) or position - line.index > 3:
                return candidate
            if self._tops_a_page(candidate):
                line = candidate  # the page's first line skipped: the run goes on below it
            position += 1
        return None

    def _opens_paragraph(self, line: Line, following: Line) -> bool:
        """A title line of up to four words, then a paragraph: a capitalised line that fills its page's width
        (it wraps) or ends a sentence. ("Fees and billing" / "Provider will perform the Services on …")."""
        return (
            len(line.clean.split()) <= 4
            and re.match(r"[A-Z][a-z]", following.clean) is not None
            and len(following.clean.split()) >= _PARAGRAPH_WORDS
            and (
                len(following.text.rstrip()) >= WRAPPED_SHARE * self.widest_line[following.page]
                or following.clean.rstrip().endswith(".")
            )
        )

    def _tops_a_page(self, line: Line) -> bool:
        """The first line of a page after the first: a running header or a title; it ends what was above."""
        return line.page > 1 and (line.index == 0 or self.lines[line.index - 1].page != line.page)

    def heading_before(self, offset: int) -> Heading | None:
        """The nearest heading at or before `offset`."""
        position = bisect.bisect_right(self._heading_starts, offset) - 1
        return self.headings[position] if position >= 0 else None

    @cached_property
    def _section_starts(self) -> tuple[Heading, ...]:
        """Headings and run-in headings ("7. Term. This Agreement …"), running headers and footers aside."""
        run_in = (_run_in(line) for line in self.lines if line.index not in self.heading_lines)
        found = [h for h in self.headings if h.line.index not in self.furniture]
        return tuple(sorted([*found, *(h for h in run_in if h is not None)], key=lambda h: h.line.start))

    @cached_property
    def _section_offsets(self) -> list[int]:
        return [heading.line.start for heading in self._section_starts]

    @cached_property
    def section_kinds(self) -> dict[int, frozenset[str]]:
        """What each heading's section is about (extraction/sections.py), by line index; empty without a
        classifier. All titles of the document are classified in one batch."""
        if self.classifier is None:
            return {}
        starts = self._section_starts
        kinds = self.classifier.classify([h.title for h in starts])
        return {h.line.index: kind for h, kind in zip(starts, kinds, strict=True)}

    def kinds_at(self, offset: int) -> frozenset[str]:
        """The kinds of the section holding `offset`: of its nearest heading, or, when that one names no
        kind, of the heading it sits under ("ARTICLE IV" / "PAYMENT" / "4.1 Invoices")."""
        if not self.section_kinds:
            return frozenset()
        starts = self._section_starts
        position = bisect.bisect_right(self._section_offsets, offset) - 1
        level = 99
        while position >= 0:
            heading = starts[position]
            if heading.level < level:
                kinds = self.section_kinds[heading.line.index]
                if kinds:
                    return kinds
                level = heading.level
            position -= 1
        return frozenset()

    @cached_property
    def appended_forms(self) -> tuple[tuple[int, int], ...]:
        """Spans of forms, samples and worked examples appended to the contract as exhibits: from such a
        heading, captioned as an exhibit ("Exhibit A" in it or on a line beside it) in the latter part of the
        document, to the next exhibit (or, under a Markdown heading, the next heading of its level). A clause
        headed "Form of Payment" in the body is not captioned as an exhibit and stays."""
        headings = [h for h in self.headings if h.line.index not in self.furniture]
        spans: list[tuple[int, int]] = []
        for position, heading in enumerate(headings):
            if (
                not position
                or heading.line.index < _APPENDED_AFTER * len(self.lines)
                or (spans and heading.line.start < spans[-1][1])
                or not self._captioned_form(heading)
            ):
                continue
            # An exhibit's caption printed right under the form's title ("FORM OF NOTICE" / "EXHIBIT B")
            # belongs to it; a later one starts the next exhibit.
            marked = heading.line.text.startswith("#")
            stop = next(
                (
                    h.line.start
                    for h in headings[position + 1 :]
                    if h.line.index > heading.line.index + 2
                    and (_APPENDIX_HEADING.match(h.title) or (marked and h.level <= heading.level))
                ),
                len(self.text),
            )
            spans.append((heading.line.start, stop))
        return tuple(spans)

    def _captioned_form(self, heading: Heading) -> bool:
        prefix = _APPENDIX_PREFIX.match(heading.title)
        title = heading.title[prefix.end() :] if prefix else heading.title
        if not _NOT_OPERATIVE.search(title):
            return False
        if prefix and _APPENDIX_HEADING.match(heading.title):
            return True
        near = self.lines[max(0, heading.line.index - 2) : heading.line.index + 3]
        return any(_APPENDIX_HEADING.match(line.clean) for line in near if line is not heading.line)

    def section_lines(self, heading: Heading) -> tuple[Line, ...]:
        """The lines after `heading` up to the next heading of the same or a higher level."""
        following = [h for h in self.headings if h.line.index > heading.line.index]
        stop = next((h.line.index for h in following if h.level <= heading.level), len(self.lines))
        return self.lines[heading.line.index + 1 : stop]


def _closes(line: Line) -> bool:
    """Whether a line ends a sentence or a lead-in."""
    return line.clean.rstrip().endswith((".", ":", ";", "!", "?"))


def _on_many_pages(lines: Sequence[Line], needed: float) -> set[int]:
    """Indexes of the lines whose beginning (_furniture_key) is printed on `needed` pages or more."""
    pages_of: dict[str, set[int]] = {}
    for line in lines:
        pages_of.setdefault(_furniture_key(line), set()).add(line.page)
    return {line.index for line in lines if len(pages_of[_furniture_key(line)]) >= needed}


def _furniture_key(line: Line) -> str:
    # The first words only: OCR reads the end of a footer ("Page 2 of 5") differently on each page.
    return " ".join(re.findall(r"[A-Za-z]{2,}|#", re.sub(r"\d+", "#", line.text))[:3])


def _lines(doc: ParsedDocument, text: str) -> tuple[Line, ...]:
    lines: list[Line] = []
    page_starts = [page.char_start for page in doc.pages]
    for match in re.finditer(r"[^\n\f]+", text):
        raw = match.group()
        stripped = raw.strip()
        if not stripped:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        page = doc.pages[max(0, bisect.bisect_right(page_starts, start) - 1)].number
        clean = clean_markup(stripped)
        lines.append(Line(len(lines), start, start + len(stripped), page, stripped, clean))
    return tuple(lines)


def _heading(line: Line) -> Heading | None:
    """A heading: Markdown '#', or a short numbered or capitalised line that does not read as a sentence."""
    marks = re.match(r"^(#{1,6})\s+\S", line.text)
    if marks:
        return Heading(line, line.clean, len(marks.group(1)))
    text = line.clean
    if len(text) > 80 or text.endswith((".", ",", ";")) or not re.search(r"[A-Za-z]{3}", text):
        return None
    if _APPENDIX_CAPTION.match(text):
        return Heading(line, text, 1)
    numbering = _NUMBERING.match(text)
    title = text[numbering.end() :] if numbering else text
    if not title or ":" in title.rstrip(":") or not titlelike(title) or _FIGURES.search(title):
        return None
    if re.search(r"[a-z]{2}\.\s+\S", title):
        return None  # a run-in heading that the clause's text follows on the same line
    if numbering and re.fullmatch(r"\d+", numbering.group().strip()) and not title.isupper():
        return None  # "1 Plan and Design" is a table row; numbered headings write "1." or "1.1"
    if numbering:
        depth = numbering.group("depth")
        return Heading(line, title.rstrip(":"), depth.count(".") + 2 if depth else 2)
    if title.isupper() and len(title.split()) <= 8:
        return Heading(line, title.rstrip(":"), 1)
    return None


_RUN_IN = re.compile(
    r"^(?P<number>\d{1,2}(?:\.\d{1,2}){0,3}\.?|[A-Z]\.|\([a-z0-9]{1,3}\))\s+"
    r"(?P<title>[A-Z][A-Za-z'&/,;\- ]{2,60}?)[.:]\s+(?=[A-Z(\"])"
)


def _run_in(line: Line) -> Heading | None:
    """A numbered clause whose title runs into its text: "7. Term. This Agreement …"."""
    match = _RUN_IN.match(line.clean)
    if match is None or not titlelike(match.group("title")) or len(match.group("title").split()) > 8:
        return None
    number = match.group("number")
    return Heading(
        line, match.group("title"), number.rstrip(".").count(".") + 2 if number[0].isdigit() else 5
    )


def titlelike(title: str) -> bool:
    """Most significant words capitalised, as headings are and sentences are not."""
    words = [w for w in re.findall(r"[A-Za-z][\w'&/-]*", title) if len(w) > 3]
    if not words:
        return bool(re.match(r"[A-Z]", title))
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised >= max(1.0, 0.6 * len(words))
