"""Review settings (env prefix HANDOFF_): four-eyes threshold, sign-in throttling, session and token
lifetimes, SLA."""

from decimal import Decimal
from typing import Literal

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
    login_max_failures: int = Field(
        default=5, ge=1, description="failed sign-ins of one username before each further try must wait"
    )
    login_address_max_failures: int = Field(
        default=20, ge=1, description="failed sign-ins from one address (any username) before back-off"
    )
    login_window_minutes: int = Field(default=15, ge=1, description="failures older than this are forgotten")
    login_backoff_seconds: float = Field(
        default=2, gt=0, description="the first wait after the free failures; it doubles with each failure"
    )
    login_backoff_max_seconds: float = Field(default=300, gt=0, description="the longest wait")
    login_global_failures_per_minute: int = Field(
        default=120,
        ge=1,
        description="failed sign-ins per minute over all users and addresses (password spraying) above "
        "which browsers that have not signed in before wait",
    )
    login_device_days: int = Field(
        default=90, ge=1, description="a browser that signed in within this many days is a known device"
    )
    password_hash_concurrency: int = Field(
        default=0, ge=0, description="password hashes computed at once (64 MiB each); 0 = one per core"
    )
    token_days: int = Field(default=90, ge=1, le=3650, description="an API token's default lifetime")
    review_date_order: Literal["MDY", "DMY", "YMD"] = Field(
        default="MDY", description="how a reviewer's all-number date (03/04/2026) is read"
    )
    session_hours: float = Field(
        default=12, gt=0, description="a web session expires this long after sign-in"
    )
    sla_due_soon_hours: float = Field(default=24, ge=0, description="queue badge: due within this many hours")
