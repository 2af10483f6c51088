"""The document as a list of layout-free blocks, and the Voice that words a spec's values.

sections.py and clauses.py turn a spec into blocks (pure); render.py lays blocks out with reportlab.
Block text is reportlab paragraph markup: every value from the spec goes through `Voice`, which escapes it.
"""

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from evals.sow.formatting import format_date, format_money, spelled
from evals.sow.spec import SowSpec
from models.record import DocumentType


@dataclass(frozen=True)
class Letterhead:
    name: str
    address: str


@dataclass(frozen=True)
class Title:
    text: str
    subtitle: str
    reference: str


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class KeyValues:
    """An order-form box: label/value pairs laid out in `columns` columns (2 = one pair per row)."""

    rows: tuple[tuple[str, str], ...]
    columns: int


@dataclass(frozen=True)
class Grid:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    footer: tuple[str, ...] | None
    widths: tuple[float, ...]
    right_aligned: tuple[int, ...] = ()


@dataclass(frozen=True)
class Terms:
    """Clauses set in two columns on pages of their own."""

    title: str
    clauses: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SignatureCell:
    party_label: str
    legal_name: str
    signature: str
    name: str
    title: str
    date: str


@dataclass(frozen=True)
class Signatures:
    intro: str
    cells: tuple[SignatureCell, ...]


@dataclass(frozen=True)
class FormBox:
    """One numbered box of a form: its printed label and the value filled in under it (plain text, one
    line per newline)."""

    label: str
    value: str
    span: int = 1  # columns of the form's grid the box takes


@dataclass(frozen=True)
class FlatForm:
    """A form filled in and saved flat, on a page of its own: the form's title, grid and labels are drawn
    first and every filled value after them, as a fill-in PDF printed flat holds its two layers."""

    title: str
    boxes: tuple[FormBox, ...]
    columns: int


Block = Letterhead | Title | Heading | Para | Bullets | KeyValues | Grid | Terms | Signatures | FlatForm

_NUMBER_LABELS = {
    DocumentType.sow: ("SOW Number", "SOW Reference", "Statement of Work No."),
    DocumentType.change_order: ("Change Order No.",),
    DocumentType.proposal: ("Proposal Number",),
    DocumentType.order_form: ("Order No.",),
}
_SHORT_NAMES = {
    DocumentType.sow: "SOW",
    DocumentType.change_order: "Change Order",
    DocumentType.proposal: "Proposal",
    DocumentType.order_form: "Order",
}


class Voice:
    """Words a spec's values the way this document writes them; phrasing varies with the seed."""

    def __init__(self, spec: SowSpec) -> None:
        self.spec = spec
        self.rng = random.Random(f"{spec.seed}-wording")  # noqa: S311 - reproducible wording, not security
        self.short = _SHORT_NAMES[spec.document_type]
        self.client = escape(spec.client.legal_name)
        self.provider = escape(spec.provider.legal_name)
        self.number_label = self.rng.choice(_NUMBER_LABELS[spec.document_type])

    @property
    def this(self) -> str:
        return f"this {self.short}"

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.spec.currency, self.spec.style.money)

    def day(self, value: date) -> str:
        return format_date(value, self.spec.style.dates)

    def quoted(self, term: str) -> str:
        return f"“{term}”" if self.spec.style.curly_quotes else f'"{term}"'

    def days(self, count: int) -> str:
        return f"{spelled(count)} days"

    def text(self, value: str) -> str:
        return escape(value)

    def pick(self, *phrasings: str) -> str:
        return self.rng.choice(phrasings)
