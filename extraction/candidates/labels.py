"""Label/value pairs: "Client: X", "Total Contract Value ..... $X", order-form boxes of two or four columns.

PDF text of an order form loses its cell borders: a row reads "Client Acme Corp. Provider Kestrel LLC" and
a wrapped label reads "Total Contract\\nValue\\n$1,000.00". Labels are therefore found by vocabulary, with any
whitespace between their words, at the start of a line or after a complete value on the same line.
"""

import re
from dataclasses import dataclass, replace

from extraction.candidates.form_blocks import form_blocks
from extraction.layout import Layout, clean_markup

# key → label phrasings; a space matches any whitespace, so a label may wrap over lines.
VOCABULARY: dict[str, tuple[str, ...]] = {
    # "Party A" / "Party B" (甲方 / 乙方): in contracts drafted in Chinese, the party commissioning the
    # work and the party doing it
    "client": (
        "Client", "Client Name", "Customer", "Customer Name", "Buyer", "Purchaser", "Bill To", "Grantor",
        "Party A",
    ),
    # a proposal, bid or grant application names who will do the work by its role in the tender
    "provider": (
        "Provider", "Service Provider", "Provider Name", "Supplier", "Vendor", "Consultant", "Contractor",
        "Consultancy", "Legal Entity", "Proposer", "Offeror", "Bidder", "Applicant", "Grantee", "Party B",
    ),
    "contract_number": (
        "SOW Number", "SOW No.", "SOW No", "SOW #", "SOW Reference", "SOW Ref.", "SOW ID",
        "Statement of Work No.", "Statement of Work Number", "Change Order No.", "Change Order Number",
        "Proposal Number", "Proposal No.", "Proposal Reference", "Contract Number", "Contract No.",
        "Agreement Number", "Agreement No.", "Order Number", "Order No.", "Task Order No.",
        "Task Order Number",
        "Reference Number", "Reference No.", "Reference", "Our Reference", "Our Ref.", "Our Ref",
        "Quote Number", "Quote No.", "Document Number",
    ),
    "secondary_number": (
        "Client PO Number", "Customer PO Number", "PO Number", "PO No.", "Purchase Order Number",
        "Purchase Order No.", "Master Agreement No.", "MSA Number",
    ),
    "amended_number": (
        "Amends SOW", "Amends", "Original SOW", "Original SOW No.", "Original SOW Number", "Amended SOW",
        "Original Contract No.", "Original Contract Number", "Amends Statement of Work",
    ),
    "project_name": (
        "Project", "Project Name", "Project Title", "Engagement", "Engagement Name", "Name of Project",
    ),
    "effective_date": ("Effective Date", "SOW Effective Date", "Agreement Date"),
    "start_date": (
        "Start Date", "Proposed Start Date", "Project Start Date", "Commencement Date", "Service Start Date",
        "Planned Start Date", "Start",
    ),
    "end_date": (
        "End Date", "Revised End Date", "New End Date", "Extended End Date", "Completion Date",
        "Project End Date", "Expiration Date", "Expiry Date", "Planned End Date", "End",
    ),
    "billing_model": (
        "Billing Model", "Billing Type", "Billing Basis", "Pricing Model", "Pricing Basis", "Fee Type",
        "Fee Structure", "Fee Basis", "Contract Type", "Commercial Model", "Type of Contract",
        "Type of Order", "Order Type", "Pricing Arrangement",
    ),
    "amount": (
        "Total Contract Value", "Total Fees", "Total Fee", "Total Price", "Total Value", "Total Amount",
        "Total Cost", "Total Costs", "Total Budget", "Total Project Fees", "Total Project Cost",
        "Contract Value",
        "Contract Price", "Contract Amount", "Contract Sum", "Grand Total", "Total Funding Amount",
        "Fixed Fee",
        "Fixed Price", "Not-to-Exceed Amount", "Not to Exceed Amount", "Not-to-Exceed", "NTE Amount", "NTE",
        "Estimated Fees", "Estimated Total", "Estimated Cost", "Change Order Amount", "Change Order Value",
        "Original SOW Value", "Original Contract Value", "Revised Contract Value", "Revised Total",
        "Monthly Retainer Fee", "Monthly Fee", "Retainer Fee", "Total Retainer Fees", "Fees", "Costs",
        "Budget",
        "Price", "Amount", "Total Fixed Fee", "Total",
    ),
    "currency": ("Currency",),
    "payment_terms": ("Payment Terms", "Payment Term", "Terms of Payment"),
    "invoice_frequency": (
        "Invoice Frequency", "Invoicing Frequency", "Billing Frequency", "Invoicing", "Billing Cycle",
    ),
    "expenses": ("Expenses", "Travel and Expenses", "Expense Policy", "Travel Expenses"),
    "governing_law": ("Governing Law", "Applicable Law"),
    "termination_notice": ("Termination Notice", "Notice Period", "Termination Notice Period"),
    "auto_renewal": ("Auto-Renewal", "Auto Renewal", "Automatic Renewal", "Renewal"),
    "contact_name": ("Contact Name", "Contact Person"),
    "contact_email": ("Contact Email", "Email"),
}  # fmt: skip

_LABEL_KEYS = {phrase.lower(): key for key, phrases in VOCABULARY.items() for phrase in phrases}
_PHRASES = sorted(_LABEL_KEYS, key=len, reverse=True)
_LABEL = re.compile(
    r"(?<![\w-])(?P<label>" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in _PHRASES) + r")(?![\w-])",
    re.IGNORECASE,
)
# A label phrase that ends a block's label, after a slash or a space.
_LABEL_ENDING = re.compile(
    r"(?:^|(?<=[\s/]))(?P<label>"
    + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in _PHRASES)
    + r")\.?$",
    re.IGNORECASE,
)
# What may stand between a label and its value: emphasis, a colon, dot leaders, a dash.
_SEPARATOR = re.compile(
    r"(?:\*\*|__)?[ \t]*(?P<mark>:|\.{2,}[ \t.]*|-{1,2}(?=\s)|\|)?[ \t]*(?:\*\*|__)?[ \t]*"
)
_LINE_PREFIX = re.compile(r"^[\s*#>+|-]*(?:\*\*|__)?\s*$")
# Legal-form suffixes: a company name that ends in one is a complete cell value ("Acme Corp. Provider …").
COMPANY_SUFFIXES = frozenset(
    (
        "inc", "incorporated", "llc", "ltd", "limited", "plc", "llp", "lp", "corp", "corporation",
        "company", "co", "gmbh", "ag", "kg", "kgaa", "sa", "sas", "sarl", "bv", "nv", "pty", "ulc",
        "dac", "sl", "srl", "spa", "oy", "ab", "as", "asa", "pte", "pvt", "gbr", "se", "ev", "mbh",
        "lda", "sro", "group", "partners", "holdings",
    )
)  # fmt: skip
# A scrap of OCR noise before a form value: a lower-case token that is not a word a value starts with.
_NOISE = re.compile(
    r"(?!(?:net|due|per|upon|on|up|to|within|as|see|n/a)\b)[^\sA-Z0-9$£€₹]*[a-z]{0,8}[^\sA-Z0-9$£€₹]*[ \t]+"
)
# One or two capitalised words at a line's start (after list and emphasis marks) before a label.
_QUALIFIER = re.compile(r"[\s*#>+|-]*(?:\*\*|__)?\s*(?:[A-Z][a-z]+[ \t]+){1,2}")
_OPEN_END = re.compile(r"(?:&|,|\band|\bof|\bthe|-)\s*$")
# How many label/value pairs in a row of lines (each within two lines of the last) make an order form.
FORM_RUN = 3


@dataclass(frozen=True)
class LabelValue:
    """A labelled value: `value` is its markup-free text, [value_start, value_end) its span in the text."""

    key: str
    label: str
    label_start: int
    value_start: int
    value_end: int
    value: str
    colon: bool
    in_form: bool = False

    @property
    def labelled(self) -> bool:
        """Set apart as a label, by a colon or by standing in an order form, rather than read from prose."""
        return self.colon or self.in_form


def label_values(layout: Layout) -> tuple[LabelValue, ...]:
    """Every labelled value of the document, in reading order."""
    text = layout.text
    found: list[LabelValue] = []
    previous_end = -1
    blocks = _form_blocks(layout)
    taken = [(item.label_start, item.value_end) for item in blocks]
    for match in _LABEL.finditer(text):
        if match.start() < previous_end or any(start <= match.start() < end for start, end in taken):
            continue
        candidate = _read(layout, match, found[-1] if found else None)
        if candidate is None:
            continue
        if found and found[-1].value_end > match.start():
            found[-1] = _cut(text, found[-1], match.start())
        found.append(candidate)
        previous_end = candidate.value_start
    marked = _mark_forms(layout, [item for item in found if item.value])
    return tuple(sorted((*marked, *blocks), key=lambda item: item.label_start))


def _form_blocks(layout: Layout) -> list[LabelValue]:
    """The labelled values of a flattened form's numbered blocks (extraction.candidates.form_blocks). A
    block's key is the label phrase its label ends in, alternatives before a slash aside ("AWARD/EFFECTIVE
    DATE" → effective date, "CONTRACTOR/ OFFEROR." → provider). An amount block is left to the total
    chooser: a form's "TOTAL AWARD AMOUNT" is what is obligated over every line item, reimbursable travel
    included, which the contract's total leaves out."""
    found: list[LabelValue] = []
    for block in form_blocks(layout):
        phrase = _LABEL_ENDING.search(block.label)
        if phrase is None or block.value is None:
            continue
        key = _LABEL_KEYS[re.sub(r"\s+", " ", phrase.group("label").lower())]
        if key == "amount":
            continue
        value = block.value
        text = _cell_text(layout.text[value.start : value.end])
        found.append(
            LabelValue(
                key, phrase.group("label"), block.line.start, value.start, value.end, text, False, True
            )
        )
    return found


def _mark_forms(layout: Layout, items: list[LabelValue]) -> tuple[LabelValue, ...]:
    """Flag the pairs that stand in runs of FORM_RUN or more, each within two lines of the one before."""
    firsts = [_line_number(layout, item.label_start) for item in items]
    lasts = [_line_number(layout, item.value_end - 1) for item in items]
    marked: list[LabelValue] = []
    run_start = 0
    for position in range(1, len(items) + 1):
        if position < len(items) and firsts[position] - lasts[position - 1] <= 2:
            continue
        in_form = position - run_start >= FORM_RUN
        marked.extend(replace(item, in_form=in_form) for item in items[run_start:position])
        run_start = position
    return tuple(marked)


def _line_number(layout: Layout, offset: int) -> int:
    line = layout.line_at(offset)
    return line.index if line else -10


def _read(layout: Layout, match: re.Match[str], previous: LabelValue | None) -> LabelValue | None:
    text = layout.text
    line_start = text.rfind("\n", 0, match.start()) + 1
    at_line_start = bool(_LINE_PREFIX.match(text[line_start : match.start()]))
    separator = _SEPARATOR.match(text, match.end())
    value_start = separator.end() if separator else match.end()
    colon = bool(separator and separator.group("mark"))
    key = _LABEL_KEYS[re.sub(r"\s+", " ", match.group("label").lower())]
    if not at_line_start and _qualified_party(text[line_start : match.start()], key, separator):
        at_line_start = True
    if not at_line_start and not _follows_value(text, match, previous, colon):
        return None
    if text[value_start : value_start + 1] == "\n" or value_start >= len(text):
        value_start = _skip_blank(text, value_start)
    if value_start >= len(text):
        return None
    if _on_ocr_page(layout, value_start):
        value_start = _past_noise(text, value_start)
    if not colon and not re.match(r"[A-Z0-9$£€₹(\[/]", text[value_start]):
        return None
    value_end = _value_end(text, value_start)
    value = _cell_text(text[value_start:value_end])
    return LabelValue(key, match.group("label"), match.start(), value_start, value_end, value, colon)


def _qualified_party(before: str, key: str, separator: re.Match[str] | None) -> bool:
    """A party's label with a word or two before it, alone on its line up to a colon: "Registered Legal
    Entity:", "Prime Contractor:", "End Customer:". Only for parties: a qualified amount ("Deposit
    Amount:") or date names something else."""
    if key not in ("client", "provider") or separator is None or separator.group("mark") != ":":
        return False
    return bool(_QUALIFIER.fullmatch(before))


def only_legal_form(name: str) -> bool:
    """Whether a name is only legal-form words ("Limited", "Inc.", "GmbH & Co. KG"), which name no party."""
    words = [word for word in re.sub(r"[.,]", "", name.lower()).split() if word != "&"]
    return bool(words) and all(word in COMPANY_SUFFIXES for word in words)


def _value_end(text: str, value_start: int) -> int:
    """The end of the value's line, or of the next line when the value plainly goes on there: a cell
    wrapped after "&", "and", "of" or a comma ("Acme GmbH &" / "Co. KG"), or before a line holding only
    the rest of a legal form ("Acme GmbH & Co." / "KG")."""
    line_end = text.find("\n", value_start)
    if line_end < 0:
        return len(text)
    following_end = text.find("\n", line_end + 1)
    following_end = len(text) if following_end < 0 else following_end
    if _OPEN_END.search(text, value_start, line_end) or only_legal_form(text[line_end + 1 : following_end]):
        return following_end
    return line_end


def _cell_text(raw: str) -> str:
    """A value without markup, its wrapped lines joined by single spaces."""
    return re.sub(r"\s+", " ", clean_markup(raw))


def _on_ocr_page(layout: Layout, offset: int) -> bool:
    page = layout.doc.page_at(offset)
    return bool(page and page.ocr)


def _past_noise(text: str, position: int) -> int:
    """Skip what OCR reads into the shading of a form box between label and value: lower-case scraps and
    stray punctuation ("Billing Model eesese sta Fixed Fee")."""
    while True:
        noise = _NOISE.match(text, position)
        if noise is None or noise.end() == position:
            return position
        position = noise.end()


def _follows_value(text: str, match: re.Match[str], previous: LabelValue | None, colon: bool) -> bool:
    """A label in mid-line starts a new cell only right after a complete value of the same row."""
    if previous is None or not previous.value_start < match.start() <= previous.value_end:
        return False
    before = text[previous.value_start : match.start()].strip()
    if not before:
        return False
    multiword = bool(re.search(r"\s", match.group("label")))
    return colon or multiword or _complete(before)


def _complete(value: str) -> bool:
    """Whether a cell value reads as finished: a figure, a bracket, a code or a legal-form suffix."""
    last = value.rstrip(",;").split()[-1]
    if re.search(r"[\d)]$", last) or (last.isupper() and len(last) >= 2):
        return True
    return last.lower().replace(".", "").replace(",", "") in COMPANY_SUFFIXES


def _skip_blank(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\n\f":
        position += 1
    return position


def _cut(text: str, item: LabelValue, end: int) -> LabelValue:
    """`item` with its value ending where the next label of the same row begins."""
    while end > item.value_start and text[end - 1].isspace():
        end -= 1
    return replace(item, value_end=end, value=_cell_text(text[item.value_start : end]))
