"""HandoffRecord v1 — the output of extraction (spec §1).

Field names and value types follow ../shared/spec/handoff-record.md exactly; adding fields is allowed,
renaming or re-typing one requires a new `schema_version` and a reader for v1.
"""

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Final, Generic, Literal, TypeVar

from pydantic import Field, PlainSerializer

from models.base import FrozenModel
from models.document import ParseStatus

SCHEMA_VERSION: Final = "1"

Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
# An ISO 4217 code (spec §1). The contract is extended, not re-typed, for a currency that has none (a digital
# currency such as BTC): its three-letter code as the document writes it, which the same pattern holds.
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]

T = TypeVar("T")


class DocumentType(StrEnum):
    sow = "sow"
    proposal = "proposal"
    change_order = "change_order"
    msa = "msa"
    order_form = "order_form"
    other = "other"


class BillingModel(StrEnum):
    fixed_fee = "fixed_fee"
    time_and_materials = "time_and_materials"
    milestone = "milestone"
    retainer = "retainer"
    mixed = "mixed"


class InvoiceFrequency(StrEnum):
    monthly = "monthly"
    biweekly = "biweekly"
    weekly = "weekly"
    quarterly = "quarterly"
    upon_milestone = "upon_milestone"
    upfront = "upfront"
    other = "other"


class ExpensesPolicy(StrEnum):
    included = "included"
    reimbursable = "reimbursable"
    reimbursable_capped = "reimbursable_capped"
    not_reimbursable = "not_reimbursable"


class RateUnit(StrEnum):
    hour = "hour"
    day = "day"
    week = "week"
    month = "month"


class Evidence(FrozenModel):
    """Verbatim text of the document: `quote` occurs in the text of `page` (whitespace-normalised)."""

    page: int | None = Field(ge=1, description="1-based page; null for formats without pages")
    quote: str = Field(min_length=1)
    char_start: int = Field(ge=0, description="offset into ParsedDocument.text")
    char_end: int = Field(ge=0)


class FieldValue(FrozenModel, Generic[T]):
    """A value with its confidence and evidence; `value` is null when the document does not state it."""

    value: T | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    evidence: tuple[Evidence, ...] = ()


class RecordFields(FrozenModel):
    document_type: FieldValue[DocumentType] = FieldValue()
    contract_number: FieldValue[str] = FieldValue()
    project_name: FieldValue[str] = FieldValue()
    client_name: FieldValue[str] = FieldValue()
    provider_name: FieldValue[str] = FieldValue()
    effective_date: FieldValue[date] = FieldValue()
    start_date: FieldValue[date] = FieldValue()
    end_date: FieldValue[date] = FieldValue()
    currency: FieldValue[CurrencyCode] = FieldValue()
    total_contract_value: FieldValue[Money] = FieldValue()
    billing_model: FieldValue[BillingModel] = FieldValue()
    payment_terms_days: FieldValue[int] = FieldValue()
    invoice_frequency: FieldValue[InvoiceFrequency] = FieldValue()
    not_to_exceed: FieldValue[Money] = FieldValue()
    expenses: FieldValue[ExpensesPolicy] = FieldValue()
    expense_cap: FieldValue[Money] = FieldValue()
    governing_law: FieldValue[str] = FieldValue()
    termination_notice_days: FieldValue[int] = FieldValue()
    auto_renewal: FieldValue[bool] = FieldValue()
    signed: FieldValue[bool] = FieldValue()
    signature_date: FieldValue[date] = FieldValue()


class Milestone(FrozenModel):
    name: FieldValue[str] = FieldValue()
    amount: FieldValue[Money] = FieldValue()
    due_date: FieldValue[date] = FieldValue()


class RateCardItem(FrozenModel):
    role: FieldValue[str] = FieldValue()
    rate: FieldValue[Money] = FieldValue()
    unit: FieldValue[RateUnit] = FieldValue()
    currency: FieldValue[CurrencyCode] = FieldValue()


class Subcontractor(FrozenModel):
    name: FieldValue[str] = FieldValue()
    scope: FieldValue[str] = FieldValue()


class Contact(FrozenModel):
    name: FieldValue[str] = FieldValue()
    role: FieldValue[str] = FieldValue()
    party: FieldValue[str] = FieldValue()
    email: FieldValue[str] = FieldValue()


class DocumentInfo(FrozenModel):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    filename: str
    pages: int = Field(ge=0)
    ocr_pages: tuple[int, ...] = ()
    parser: str


class ExtractorInfo(FrozenModel):
    backend: Literal["offline", "llm", "hybrid"] = Field(
        description="offline engine, LLM, or (extension) hybrid: the offline reading checked by the LLM's"
    )
    model: str
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    estimated_cost: float = Field(
        default=0.0,
        ge=0.0,
        description="extension: estimated spend of this extraction at the configured prices",
    )


class HandoffRecord(FrozenModel):
    schema_version: Literal["1"] = SCHEMA_VERSION
    document: DocumentInfo
    extractor: ExtractorInfo
    fields: RecordFields = RecordFields()
    milestones: tuple[Milestone, ...] = ()
    rate_card: tuple[RateCardItem, ...] = ()
    deliverables: tuple[FieldValue[str], ...] = ()
    assumptions: tuple[FieldValue[str], ...] = ()
    out_of_scope: tuple[FieldValue[str], ...] = ()
    subcontractors: tuple[Subcontractor, ...] = ()
    contacts: tuple[Contact, ...] = ()
    status: ParseStatus = Field(
        default=ParseStatus.ok, description="extension: partial when a stage part-failed"
    )
    warnings: tuple[str, ...] = Field(default=(), description="extension: why the record is partial")
    amends_contract_number: FieldValue[str] = Field(
        default=FieldValue(),
        description="extension: for a change order, the contract number of the document it amends",
    )


LIST_ITEM_TYPES: dict[str, type[FrozenModel]] = {
    "milestones": Milestone,
    "rate_card": RateCardItem,
    "subcontractors": Subcontractor,
    "contacts": Contact,
}


def values_of(record: HandoffRecord) -> dict[str, object]:
    """The record's plain values in the flat format of the corpus' truth.json (for evals and diffs)."""
    flat: dict[str, object] = {
        name: getattr(record.fields, name).model_dump(mode="json")["value"]
        for name in RecordFields.model_fields
    }
    for name in LIST_ITEM_TYPES:
        flat[name] = [
            {key: item["value"] for key, item in entry.items()}
            for entry in (i.model_dump(mode="json") for i in getattr(record, name))
        ]
    return flat


def fields_from_values(values: dict[str, object]) -> RecordFields:
    """Build RecordFields from plain values (truth.json format), validating every value's type."""
    return RecordFields.model_validate(
        {name: {"value": values.get(name), "confidence": 1.0} for name in RecordFields.model_fields}
    )


_NUMBER_WORDS: Final = re.compile(r"[0-9a-z]+")


def contract_number_words(number: str) -> tuple[str, ...]:
    """A contract number as words, ignoring case and punctuation: "SOW-2024/0123" is sow, 2024, 0123."""
    return tuple(_NUMBER_WORDS.findall(number.casefold()))
