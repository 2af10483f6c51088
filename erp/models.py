"""What handoff posts to an ERP, in its own vocabulary (erp/default_mapping.yaml maps it to the ERP's JSON).

A project posting is the project shell and its billing schedule; an amendment (a change order) names the
ERP project it amends and carries the change order's own shell and schedule (its increment, not a new total).
"""

from datetime import date
from typing import Literal

from models.base import FrozenModel
from models.record import Money

LineKind = Literal["milestone", "time_and_materials", "retainer_fee", "instalment"]


class ProjectShell(FrozenModel):
    client: str
    project_name: str
    contract_number: str | None
    effective_date: date | None
    start_date: date | None
    end_date: date | None
    currency: str
    contract_value: Money | None
    billing_model: str
    payment_terms_days: int | None
    governing_law: str | None


class ScheduleLine(FrozenModel):
    kind: LineKind
    description: str
    amount: Money | None
    due_date: date | None
    period_start: date | None = None
    period_end: date | None = None


class RateLine(FrozenModel):
    role: str
    rate: Money
    unit: str | None
    currency: str | None


class BillingSchedule(FrozenModel):
    billing_model: str
    currency: str | None
    invoice_frequency: str | None
    payment_terms_days: int | None
    cap: Money | None
    scheduled_total: Money | None
    lines: tuple[ScheduleLine, ...]
    rate_card: tuple[RateLine, ...] = ()


class ProjectPosting(FrozenModel):
    kind: Literal["project"] = "project"
    record_version_id: str
    project: ProjectShell
    schedule: BillingSchedule


class AmendmentPosting(FrozenModel):
    kind: Literal["amendment"] = "amendment"
    record_version_id: str
    base_project_id: str
    amends_contract_number: str | None
    project: ProjectShell
    schedule: BillingSchedule


Posting = ProjectPosting | AmendmentPosting


class ErpReceipt(FrozenModel):
    """The ERP's answer to a posting: its id for the project (or amendment) and the body it answered."""

    reference: str
    project_id: str
    status_code: int
    replayed: bool
    body: dict[str, object]
