"""CRM opportunity (spec §2): the sold view a handoff record is compared with. Any field may be null.

What a CRM sends is bounded like what a person types (review.paths): an amount is finite and at most
10^12 in size, dates fall in 1900–2100, payment terms within ten years; anything else is refused (422 at
the webhook) rather than compared.
"""

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field

from models.base import FrozenModel
from models.bounds import FIRST_YEAR, LAST_YEAR, MAX_AMOUNT, year_in_range
from models.record import BillingModel, CurrencyCode, Money


def _in_years(value: date | None) -> date | None:
    if value is not None and not year_in_range(value):
        raise ValueError(f"a date is between {FIRST_YEAR} and {LAST_YEAR}")
    return value


BoundedDate = Annotated[date | None, AfterValidator(_in_years)]


class CrmOpportunity(FrozenModel):
    model_config = ConfigDict(frozen=True, extra="allow")

    opportunity_id: str
    account_name: str | None = None
    amount: Money | None = Field(default=None, allow_inf_nan=False, ge=-MAX_AMOUNT, le=MAX_AMOUNT)
    currency: CurrencyCode | None = None
    close_date: BoundedDate = None
    start_date: BoundedDate = None
    end_date: BoundedDate = None
    billing_type: BillingModel | None = None
    payment_terms_days: int | None = Field(default=None, ge=0, le=3650)
    owner: str | None = None
    stage: str | None = None
    service_line: str | None = None
    customer_tier: str | None = None
    expected_margin_pct: float | None = Field(default=None, allow_inf_nan=False, ge=-1000, le=1000)
