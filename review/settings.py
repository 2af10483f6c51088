"""Review settings (env prefix HANDOFF_): four-eyes threshold, sign-in throttling, session lifetime, SLA."""

from decimal import Decimal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReviewSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    review_two_approvers_above: Decimal = Field(
        default=Decimal(250_000),
        ge=0,
        description="a record whose total_contract_value is above this (in its own currency), or unknown, "
        "needs two distinct approvers",
    )
    login_max_failures: int = Field(default=5, ge=1, description="failed sign-ins per username and client")
    login_window_minutes: int = Field(default=15, ge=1, description="window of login_max_failures")
    session_hours: float = Field(
        default=12, gt=0, description="a web session expires this long after sign-in"
    )
    sla_due_soon_hours: float = Field(default=24, ge=0, description="queue badge: due within this many hours")
