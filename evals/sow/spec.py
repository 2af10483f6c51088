"""SowSpec: every value a generated document states, and how it is laid out.

The spec is the single source for both the rendered PDF and its ground truth, so the two cannot disagree.
"""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from evals.sow.formatting import DateStyle, MoneyStyle
from models.base import FrozenModel
from models.record import BillingModel, DocumentType, ExpensesPolicy, InvoiceFrequency, RateUnit

PartyRole = Literal["client", "provider"]


class Party(FrozenModel):
    legal_name: str
    entity: str = Field(description='how the recitals describe it, e.g. "a Delaware corporation"')
    address: str
    email_domain: str


class SignatureBlock(FrozenModel):
    party: PartyRole
    signer_name: str | None
    signer_title: str | None
    signed_on: date | None
    electronic: bool = Field(description='the signature line carries "/s/ <name>"')


class MilestoneSpec(FrozenModel):
    name: str
    amount: Decimal | None
    due_date: date | None


class RateSpec(FrozenModel):
    role: str
    rate: Decimal
    unit: RateUnit
    currency: str
    estimated_quantity: int | None = Field(description="estimate column of a T&M rate card")


class SubcontractorSpec(FrozenModel):
    name: str
    scope: str


class ContactSpec(FrozenModel):
    name: str
    role: str
    party: PartyRole
    email: str


class Fees(FrozenModel):
    """The fee structure; `total` follows the spec's total_contract_value convention."""

    billing_model: BillingModel
    fixed_fee: Decimal | None = None
    time_and_materials_estimate: Decimal | None = None
    not_to_exceed: Decimal | None = None
    retainer_monthly_fee: Decimal | None = None
    retainer_months: int | None = None
    total: Decimal
    total_stated: bool = Field(description="the document prints the total; otherwise it must be computed")
    milestones: tuple[MilestoneSpec, ...] = ()
    rate_card: tuple[RateSpec, ...] = ()


class ChangeOrderTerms(FrozenModel):
    sequence: int
    original_number: str
    original_date: date
    original_value: Decimal
    original_end_date: date
    reason: str


class Distractors(FrozenModel):
    """Amounts and dates that look like ground-truth values but are not."""

    liability_cap: Decimal
    insurance_limit: Decimal
    valid_until: date | None = Field(description="a proposal's offer expiry")
    master_agreement_date: date | None
    tax_rate_percent: int | None


class Style(FrozenModel):
    money: MoneyStyle
    dates: DateStyle
    font: Literal["Helvetica", "Times-Roman"]
    page_size: Literal["letter", "a4"]
    accent: str = Field(pattern=r"^#[0-9a-f]{6}$")
    curly_quotes: bool
    footer: Literal["page_of", "slash", "dashes"]
    order_form_columns: Literal[2, 4]
    terms_font_size: float = Field(ge=7, le=10)
    legal_terms_in_body: bool = Field(description="governing law/term clauses in the body, not the T&C page")


class SowSpec(FrozenModel):
    seed: int
    doc_id: str
    document_type: DocumentType
    contract_number: str
    client_po: str | None
    project_name: str
    service_line: str
    background: str
    phases: tuple[str, ...]
    detail_sections: tuple[str, ...] = Field(description="optional body sections, see detail.py")
    client: Party
    provider: Party
    issue_date: date = Field(description="date printed on the cover; a proposal's is not an effective date")
    effective_date: date | None
    start_date: date | None
    end_date: date | None
    end_date_mistyped: bool = Field(description="end date deliberately written before the start date")
    currency: str
    fees: Fees
    payment_terms_days: int | None
    invoice_frequency: InvoiceFrequency | None
    expenses: ExpensesPolicy | None
    expense_cap: Decimal | None
    governing_law: str | None
    termination_notice_days: int | None
    termination_notice_in_months: bool
    auto_renewal: bool | None
    renewal_term_months: int
    acceptance_days: int
    signatures: tuple[SignatureBlock, ...]
    deliverables: tuple[str, ...]
    assumptions: tuple[str, ...]
    out_of_scope: tuple[str, ...]
    subcontractors: tuple[SubcontractorSpec, ...]
    contacts: tuple[ContactSpec, ...]
    change_order: ChangeOrderTerms | None
    distractors: Distractors
    style: Style
    layout: str = Field(default="standard", description="the block layout, see layouts.py")
