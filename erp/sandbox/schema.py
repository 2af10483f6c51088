"""What the sandbox ERP accepts: the JSON of erp/default_mapping.yaml. Unknown keys are refused (422), as a
strict ERP refuses a field mapping that does not match its API."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Customer(Strict):
    name: str = Field(min_length=1)


class Line(Strict):
    kind: Literal["milestone", "time_and_materials", "retainer_fee", "instalment"]
    description: str
    amount: float | None
    due_date: date | None
    period_start: date | None = None
    period_end: date | None = None


class Rate(Strict):
    role: str
    rate: float
    unit: str | None
    currency: str | None


class Schedule(Strict):
    billing_model: str
    currency: str | None
    invoice_frequency: str | None
    payment_terms_days: int | None
    cap: float | None
    scheduled_total: float | None
    lines: list[Line] = Field(min_length=1)
    rate_card: list[Rate] = []


class Terms(Strict):
    effective_date: date | None
    start_date: date | None
    end_date: date | None
    payment_terms_days: int | None
    governing_law: str | None


class ProjectIn(Strict):
    external_ref: str | None
    source_record: str
    name: str = Field(min_length=1)
    customer: Customer
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    contract_value: float | None
    billing_model: str
    terms: Terms
    billing_schedule: Schedule


class AmendmentIn(ProjectIn):
    amends_contract_number: str | None
