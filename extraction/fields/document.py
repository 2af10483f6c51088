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
from extraction.layout import Layout, Line, titlelike
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
    # the name may wrap onto the next line ("… as the Harbour\nPortal Rebuild project")
    r"\b(?:the|its)\s+(?P<name>[A-Z](?:[^()\n\",;]|\n(?=\S)){2,80}?)\s+"
    r"(?:project|engagement|programme|program|initiative)\s*"
    r"\((?:the\s+|this\s+)?\"Project\"\)"
    r"|\bfor\s+the\s+(?:project|engagement|programme|program)\s+\"(?P<quoted>[A-Z][^\"\n]{2,80})\""
)
# A work statement's or a proposal's title that names its project, to the end of its line: "STATEMENT OF WORK
# FOR HARBOUR PORTAL REBUILD", "Performance Work Statement (PWS) for Tide Gauge Services", "Statement of
# Work: Billing Replatforming". The title may wrap ("… Performance Work\nStatement (PWS) FOR …").
_TITLED_PROJECT = re.compile(
    r"\b(?:(?:performance\s+)?(?:work\s+statement|statement\s+of\s+(?:work|objectives))|scope\s+of\s+work"
    r"|proposal)(?:\s*\((?:PWS|SOW|SOO)\))?(?:\s+for|\s*[:\u2013\u2014]|\s+-)\s+(?:the\s+)?"
    r"(?P<name>[^\n]{3,90})$",
    re.IGNORECASE | re.MULTILINE,
)
# Words that name no project on their own: "Proposal for Professional Services".
_GENERIC_WORK = frozenset(
    {
        "professional",
        "consulting",
        "consultancy",
        "advisory",
        "services",
        "service",
        "work",
        "support",
        "and",
        "&",
    }
)
# A title that goes on to say who the work is for or by ("… Services to Acme Ltd", "… prepared by …"): not
# the project's name ("Migration to Azure" is one).
_ADDRESSED = re.compile(
    r"\b(?:services?|support|work)\s+(?:to|for)\b|\b(?:by|between|prepared|submitted)\b", re.IGNORECASE
)
# A sentence's end inside a title's lead: it was prose, not a title ("U.S." and "Inc." are not one).
_SENTENCE_END = re.compile(r"[a-z]{3}[.;:]\s|,\s+(?:which|who|as|and|the)\b")
_MINOR_WORDS = frozenset(
    {"and", "or", "of", "the", "for", "to", "in", "on", "at", "as", "via", "per", "a", "an", "with", "&"}
)
# A title's name wrapped onto a line of its own is short; a longer line below is the text.
_WRAPPED_NAME = 60
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
    if not candidates:
        candidates.extend(_titled(layout))
    return best(candidates) if candidates else _subtitle(layout)


def _titled(layout: Layout) -> list[Found[str]]:
    """Project names from work-statement titles ("Statement of Work for <name>"): the title starts its line
    or follows title words only (an agency's name, a section letter), the name is in title words and ends
    its line, and no sentence runs on below it; a sentence that happens to start so is prose, not a title."""
    names: list[Found[str]] = []
    for match in _TITLED_PROJECT.finditer(layout.text):
        first, last = layout.line_at(match.start()), layout.line_at(match.end("name") - 1)
        if first is None or last is None:
            continue
        lead = layout.text[first.start : match.start()].strip(" -\u2013\u2014")
        following = layout.next_line(last)
        if (lead and (not titlelike(lead) or _SENTENCE_END.search(lead))) or (
            following is not None and following.clean[:1].islower()
        ):
            continue
        start, end = match.start("name"), match.end("name")
        if following is not None and _wraps_name(layout, following):
            end = following.end  # "… Statement for Reporting" / "Support Retainer"
        raw = layout.text[start:end].rstrip()
        if raw.endswith((",", ";")):
            continue
        end = start + len(raw.rstrip(" .:"))
        name = re.sub(r"\s+", " ", layout.text[start:end])
        if _names_a_project(name) and _in_title_words(name):
            names.append(found(name, WEAK_LABEL, (start, end)))
    return names


def _wraps_name(layout: Layout, line: Line) -> bool:
    """A short line of title words only, the text or a heading below it: the rest of a title's name."""
    text = line.clean.strip()
    after = layout.next_line(line)
    return (
        0 < len(text) <= _WRAPPED_NAME
        and not text.endswith((".", ",", ";", ":"))
        and _names_a_project(text)
        and _in_title_words(text)
        and (after is None or not after.clean[:1].islower())
    )


def _in_title_words(name: str) -> bool:
    """Capitalised words, most of them, and something more than the kind of work ("Consulting Services")."""
    words: list[str] = re.findall(r"[A-Za-z][\w'&-]*", name)
    major = [word for word in words if word.lower() not in _MINOR_WORDS]
    if _ADDRESSED.search(name) or not major or all(word.lower() in _GENERIC_WORK for word in major):
        return False
    return sum(word[0].isupper() for word in major) >= 0.8 * len(major)


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


# Who a document was prepared for or by ("Prepared for the Harbour Office"), under its title: no project.
_PREPARED = re.compile(r"(?:prepared|submitted|presented|issued)\s+(?:for|to|by)\b", re.IGNORECASE)


def _names_a_project(text: str) -> bool:
    """A line that can be a project's name: words, figures in half of them at most ("ISO 27001
    Readiness", "Wave 2"), not a label, a date, a reference code or an address."""
    if ":" in text or _CODE_OR_ADDRESS.search(text) or find_dates(text) or _PREPARED.match(text):
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
