"""CRM opportunity (spec §2): the sold view a handoff record is compared with. Any field may be null."""

from datetime import date

from pydantic import ConfigDict

from models.base import FrozenModel
from models.record import BillingModel, CurrencyCode, Money


class CrmOpportunity(FrozenModel):
    model_config = ConfigDict(frozen=True, extra="allow")

    opportunity_id: str
    account_name: str | None = None
    amount: Money | None = None
    currency: CurrencyCode | None = None
    close_date: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    billing_type: BillingModel | None = None
    payment_terms_days: int | None = None
    owner: str | None = None
    stage: str | None = None
    service_line: str | None = None
    customer_tier: str | None = None
    expected_margin_pct: float | None = None
