"""What the LLM is asked to return: every value beside the verbatim quote that states it, and its page.

This intermediate answer, not the HandoffRecord, is what the model sees as a JSON Schema (generated from
these pydantic models), because the model cannot know character offsets: the code finds each quote in
the page text afterwards, builds the evidence and normalises the value (see llm_merge).

The schema follows the shape OpenAI's structured outputs ask for (every property required, a field the
document does not state being `null`; no extra properties), and bounds strings and lists, which keeps
the output of a small model under a grammar (llama.cpp) finite.
"""

from functools import cache
from typing import Annotated, Any

from pydantic import Field, create_model

from models.base import FrozenModel
from models.record import BillingModel, DocumentType, ExpensesPolicy, InvoiceFrequency, RateUnit

MAX_QUOTE = 300
MAX_TEXT = 200

Quote = Annotated[
    str,
    Field(min_length=1, max_length=MAX_QUOTE, description="verbatim text of the page that states the value"),
]
Page = Annotated[int, Field(ge=1, description="number of the <page> the quote is on")]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
DateText = Annotated[str, Field(min_length=1, max_length=40, description="YYYY-MM-DD")]
Amount = Annotated[
    float | Annotated[str, Field(max_length=40)],
    Field(description="the amount as a number, without currency"),
]


class Quoted(FrozenModel):
    """A value after the quote that states it: copying the text first keeps the value close to it."""

    quote: Quote
    page: Page


class QuotedText(Quoted):
    value: Text


class QuotedDate(Quoted):
    value: DateText


class QuotedAmount(Quoted):
    value: Amount


class QuotedDays(Quoted):
    value: int = Field(ge=0, le=3650)


class QuotedFlag(Quoted):
    value: bool


class QuotedDocumentType(Quoted):
    value: DocumentType


class QuotedBillingModel(Quoted):
    value: BillingModel


class QuotedInvoiceFrequency(Quoted):
    value: InvoiceFrequency


class QuotedExpenses(Quoted):
    value: ExpensesPolicy


class Row(FrozenModel):
    """One row of a list: its values share the quote of the line or table row that states them."""

    quote: Quote
    page: Page


class MilestoneRow(Row):
    name: Text | None
    amount: Amount | None
    due_date: DateText | None


class RateRow(Row):
    role: Text | None
    rate: Amount | None
    unit: RateUnit | None
    currency: Text | None


class SubcontractorRow(Row):
    name: Text | None
    scope: Text | None


class ContactRow(Row):
    name: Text | None
    role: Text | None
    party: Text | None = Field(description="which party the contact belongs to, as the document names it")
    email: Text | None


class LlmAnswer(FrozenModel):
    """The fields of one part of a document; `null` (or an empty list) where the part does not state one."""

    document_type: QuotedDocumentType | None
    contract_number: QuotedText | None = Field(
        description="the document's own SOW, order or reference number"
    )
    project_name: QuotedText | None
    client_name: QuotedText | None = Field(
        description="customer's legal name as written, without role labels"
    )
    provider_name: QuotedText | None = Field(description="provider's legal name as written")
    effective_date: QuotedDate | None
    start_date: QuotedDate | None = Field(description="date services start")
    end_date: QuotedDate | None = Field(description="date services end or the term expires")
    currency: QuotedText | None = Field(description="ISO 4217 code")
    total_contract_value: QuotedAmount | None = Field(
        description="total fees of this document, without tax and reimbursable expenses"
    )
    billing_model: QuotedBillingModel | None
    payment_terms_days: QuotedDays | None = Field(description="'Net 30' is 30, 'due on receipt' is 0")
    invoice_frequency: QuotedInvoiceFrequency | None
    not_to_exceed: QuotedAmount | None = Field(description="cap on time-and-materials fees")
    expenses: QuotedExpenses | None
    expense_cap: QuotedAmount | None
    governing_law: QuotedText | None = Field(description="the jurisdiction's name only, e.g. New York")
    termination_notice_days: QuotedDays | None = Field(
        description="notice for termination for convenience, in days"
    )
    auto_renewal: QuotedFlag | None
    signed: QuotedFlag | None = Field(
        description="true when every signature block has a signer name and a date"
    )
    signature_date: QuotedDate | None = Field(description="latest signature date")
    milestones: list[MilestoneRow]
    rate_card: list[RateRow]
    deliverables: list[QuotedText]
    assumptions: list[QuotedText]
    out_of_scope: list[QuotedText]
    subcontractors: list[SubcontractorRow]
    contacts: list[ContactRow]


SCHEMA_NAME = "handoff_fields"
LIST_FIELDS = (
    "milestones",
    "rate_card",
    "deliverables",
    "assumptions",
    "out_of_scope",
    "subcontractors",
    "contacts",
)


@cache
def answer_model(max_rows: int) -> type[LlmAnswer]:
    """LlmAnswer whose lists hold at most `max_rows` items each.

    The bound is part of the schema because a small model under a grammar tends to repeat a list row
    until the list is full: the bound is what keeps its answer, and the tokens it costs, finite.
    """
    lists: dict[str, Any] = {
        name: (LlmAnswer.model_fields[name].annotation, Field(max_length=max_rows)) for name in LIST_FIELDS
    }
    return create_model("LlmAnswer", __base__=LlmAnswer, __doc__=LlmAnswer.__doc__, **lists)


@cache
def answer_schema(max_rows: int) -> dict[str, Any]:
    """The JSON Schema of the answer, as sent to the server (callers must not modify it)."""
    return answer_model(max_rows).model_json_schema()
