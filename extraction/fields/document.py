"""What the document is: its type (from its title), its own number and its project's name."""

import re

from extraction.candidates.labels import LabelValue
from extraction.fields.base import (
    INFERRED,
    LABELLED,
    PROSE,
    WEAK_LABEL,
    Found,
    best,
    found,
    label_confidence,
    labelled,
)
from extraction.layout import Layout, Line
from extraction.normalize.dates import find_dates
from models.record import DocumentType

# The catch-all: a document that calls itself an agreement or a contract and nothing more specific.
_ANY_CONTRACT = re.compile(r"\bagreement\b|\bcontract\b", re.I)
# Earlier entries win when a title names two kinds ("Change Order No. 2 to Statement of Work No. 7").
_TYPES: tuple[tuple[DocumentType, re.Pattern[str]], ...] = (
    (
        DocumentType.change_order,
        re.compile(r"\bchange\s+(?:order|request)\b|\bamendment\b|\bvariation\b", re.I),
    ),
    (
        DocumentType.other,
        re.compile(r"\brequest\s+for\s+(?:quotation|proposal|information|tender)\b|\bRFQ\b", re.I),
    ),
    (
        DocumentType.sow,
        re.compile(
            r"\bstatement\s+of\s+work\b|\bSOW\b|\b(?:task|work)\s+order\b"
            r"|\b(?:engagement|retainer)\s+(?:letter|agreement)\b|\bletter\s+of\s+engagement\b",
            re.I,
        ),
    ),
    (
        DocumentType.order_form,
        re.compile(
            r"\border\s+form\b|\border\s+for\s+(?:commercial\s+)?(?:supplies|services|items|products)\b", re.I
        ),
    ),
    (DocumentType.proposal, re.compile(r"\bproposal\b|\bquotation\b|\bRFP\b|\bgrant\s+application\b", re.I)),
    (
        DocumentType.msa,
        re.compile(r"\bmaster\s+(?:services?|consulting|professional\s+services)\s+agreement\b", re.I),
    ),
    (DocumentType.other, _ANY_CONTRACT),
)
# What may be left of a row of options once the kinds' names are taken out: boxes, marks, one short code.
# (a name and its abbreviation in brackets, "REQUEST FOR PROPOSAL (RFP)", is one kind named twice)
_OPTIONS_REST = re.compile(r"[^\w()]*(?:[A-Z]{2,4}[^\w()]*)?")
# The title block: the first lines of the first page, before the body text starts.
_TITLE_LINES = 12
_ID = re.compile(r"(?<![\w/-])(?=[\w/#.-]*\d)[A-Z0-9][A-Za-z0-9]*(?:[-/_.#][A-Za-z0-9]+)*")
_PROSE_NUMBER = re.compile(
    r"\b(?:Statement\s+of\s+Work|SOW|Change\s+Order|Proposal|Task\s+Order|Contract|Order)\s+"
    r"(?:No\.?|Number|#|Ref(?:erence)?\.?)\s*:?\s*(?P<id>[A-Z0-9][A-Za-z0-9]*(?:[-/_.][A-Za-z0-9]+)*)"
)
# A US federal award's procurement instrument identifier (FAR 4.1603): six characters of the issuing office,
# two of the fiscal year, one of the instrument type and a serial of four to eight ("1305M223FNCNM0087").
# Forms such as the SF-1449 print it apart from its block's label. Types that are awards, an order's own
# first (F task or delivery order, P purchase order; then C contract, D indefinite delivery, A, G, H
# agreements and calls); solicitations (Q, R, S, T) are no contract number.
_PIID = re.compile(r"(?<![A-Za-z0-9-])[A-Z0-9]{6}\d{2}(?P<type>[A-Z])[A-Z0-9]{4,8}(?![A-Za-z0-9-])")
_AWARD_TYPES = "FPCDAGH"
_PROJECT_TERM = re.compile(
    r"\b(?:the|its)\s+(?P<name>[A-Z][^()\n\",;]{2,80}?)\s+(?:project|engagement|programme|program|initiative)\s*"
    r"\((?:the\s+|this\s+)?\"Project\"\)"
    r"|\bfor\s+the\s+(?:project|engagement|programme|program)\s+\"(?P<quoted>[A-Z][^\"\n]{2,80})\""
)
# A labelled "project" value that is a row of a rate card or a form with the next label glued on, not a name:
# an amount or a rate in it ("Coordinator 90.00 GBP per hour").
_NOT_A_NAME = re.compile(r"\d[\d,.']*\.\d{2}\b|\bper\s+(?:hour|day|week|month)\b", re.I)


def document_type(layout: Layout) -> Found[DocumentType] | None:
    """The type named by the document's title, else by its opening words."""
    title_lines = [line for line in layout.lines[:_TITLE_LINES] if line.page == 1 and _is_title(layout, line)]
    for line in title_lines:
        kind = _type_named(line.clean)
        if kind is not None:
            return found(kind, LABELLED, (line.start, line.end))
    opening = layout.lines[: _TITLE_LINES * 2]
    for line in opening:
        kind = _type_named(line.clean)
        if kind is not None:
            return found(kind, INFERRED, (line.start, line.end))
    return None


def _is_title(layout: Layout, line: Line) -> bool:
    return line.index in layout.heading_lines or line.text.startswith("#") or line.clean.isupper()


def _type_named(text: str) -> DocumentType | None:
    hits = [
        (match.start(), order, kind)
        for order, (kind, p) in enumerate(_TYPES)
        for match in [p.search(text)]
        if match
    ]
    if not hits or _lists_options(text, {kind for _, _, kind in hits}):
        return None
    change = [hit for hit in hits if hit[2] is DocumentType.change_order]
    # "SOLICITATION/CONTRACT/ORDER FOR COMMERCIAL ITEMS": a kind the title names outranks the catch-all
    specific = [hit for hit in hits if _TYPES[hit[1]][1] is not _ANY_CONTRACT]
    return (change or sorted(specific or hits))[0][2]


def _lists_options(text: str, kinds: set[DocumentType]) -> bool:
    """A form's row of boxes to tick ("RFQ  IFB  RFP"): nothing on the line but the names of two kinds or
    more (and at most one other short code), which names none of them."""
    if len(kinds) < 2:
        return False
    rest, named = text, set()
    for kind, pattern in _TYPES:
        rest, count = pattern.subn(" ", rest)
        if count:
            named.add(kind)
    return len(named) >= 2 and bool(_OPTIONS_REST.fullmatch(rest))


def contract_number(layout: Layout, values: tuple[LabelValue, ...]) -> Found[str] | None:
    """The document's own number; a client PO or master-agreement number only counts as a secondary one."""
    candidates: list[Found[str]] = []
    for item in labelled(values, "contract_number"):
        match = _ID.search(item.value)
        if not match:
            continue
        identifier = match.group().rstrip(".")
        strength = label_confidence(item) - (0.0 if len(identifier) >= 4 else 0.25)
        start = item.value_start + layout.text[item.value_start : item.value_end].find(identifier)
        candidates.append(found(identifier, strength, (start, start + len(identifier))))
    for match in _PROSE_NUMBER.finditer(layout.text):
        identifier = match.group("id")
        if re.search(r"\d", identifier) and len(identifier) >= 3:
            candidates.append(found(identifier, PROSE - 0.1, (match.start("id"), match.end("id"))))
    return best(candidates) if candidates else _federal_award(layout)


def _federal_award(layout: Layout) -> Found[str] | None:
    """A federal award identifier written anywhere (_PIID), when no labelled or stated number is read: the
    order's own number first, as a suggestion a person confirms."""
    awards = [m for m in _PIID.finditer(layout.text) if m.group("type") in _AWARD_TYPES]
    if not awards:
        return None
    first = min(awards, key=lambda m: (_AWARD_TYPES.index(m.group("type")), m.start()))
    return found(first.group(), INFERRED, (first.start(), first.end()))


def project_name(layout: Layout, values: tuple[LabelValue, ...]) -> Found[str] | None:
    candidates: list[Found[str]] = []
    for item in labelled(values, "project_name"):
        name = _link_text(item.value).strip(" .'\"|:;")
        if (
            name
            and len(name) <= 120
            and not re.match(r"(?:contacts?|manager|schedule|plan)\b", name, re.I)
            and not _NOT_A_NAME.search(name)
        ):
            start, end = _span_of(layout, item, name)
            candidates.append(found(name, label_confidence(item), (start, end)))
    for match in _PROJECT_TERM.finditer(layout.text):
        group = "name" if match.group("name") else "quoted"
        name = re.sub(r"\s+", " ", match.group(group))
        candidates.append(found(name, PROSE, (match.start(group), match.end(group))))
    return best(candidates) if candidates else _subtitle(layout)


def _subtitle(layout: Layout) -> Found[str] | None:
    """The line under a type title ("STATEMENT OF WORK" / "Cloud Migration Phase 2"), as a weak guess."""
    for line in layout.lines[:_TITLE_LINES]:
        if _type_named(line.clean) is None or not _is_title(layout, line):
            continue
        following = layout.next_line(line)
        if following and 3 <= len(following.clean) <= 80 and _names_a_project(following.clean):
            return found(following.clean, WEAK_LABEL - 0.1, (following.start, following.end))
    return None


# A reference code ("SOW-2024-0211", "PS/24/0961"), or a line that starts with a figure (an address, a date).
_CODE_OR_ADDRESS = re.compile(r"\b[A-Z0-9]+[-/.]\d{2,}|^\d")


def _names_a_project(text: str) -> bool:
    """A line that can be a project's name: words, figures in half of them at most ("ISO 27001
    Readiness", "Wave 2"), not a label, a date, a reference code or an address."""
    if ":" in text or _CODE_OR_ADDRESS.search(text) or find_dates(text):
        return False
    words = text.split()
    return sum(any(c.isdigit() for c in word) for word in words) * 2 <= len(words)


def _link_text(value: str) -> str:
    """Markdown '[Name](https://…)' → 'Name'."""
    return re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", value)


def _span_of(layout: Layout, item: LabelValue, value: str) -> tuple[int, int]:
    """The span of `value` inside a labelled value, or the whole value where markup interrupts it."""
    position = layout.text.find(value, item.value_start, item.value_end)
    if position < 0:
        return item.value_start, item.value_end
    return position, position + len(value)


_AMENDS = re.compile(
    r"\bamends\s+(?:the\s+)?(?:Statement\s+of\s+Work|SOW|Agreement|Contract|Order)\s+(?:No\.?\s*|Number\s*|#\s*)?"
    r"(?P<id>[A-Z0-9][A-Za-z0-9]*(?:[-/_.][A-Za-z0-9]+)*)"
)


def amended_number(
    layout: Layout, values: tuple[LabelValue, ...], kind: DocumentType | None
) -> Found[str] | None:
    """A change order's reference to the document it amends ("Amends SOW SOW-2023-0306")."""
    if kind is not DocumentType.change_order:
        return None
    candidates: list[Found[str]] = []
    for item in labelled(values, "amended_number"):
        match = _ID.search(item.value)
        if match:
            start = item.value_start + layout.text[item.value_start : item.value_end].find(match.group())
            candidates.append(
                found(match.group(), label_confidence(item), (start, start + len(match.group())))
            )
    for match in _AMENDS.finditer(layout.text):
        if re.search(r"\d", match.group("id")):
            candidates.append(found(match.group("id"), PROSE, (match.start("id"), match.end("id"))))
    return best(candidates)
