"""CRM settings (env prefix HANDOFF_) and the adapter they select.

`crm_backend` picks where `handoff check --crm ID` resolves an opportunity id:
  database    opportunities registered by the CRM webhook (table crm_opportunities); the default.
  file        a JSON or CSV file (`crm_file`), see triage/crm.py.
  salesforce  the Salesforce REST API at `salesforce_base_url` with the bearer token `salesforce_token`.
The webhook (`POST /api/crm/webhook`) answers 503 until `crm_webhook_secret` is set: it never accepts an
unsigned request.
"""

import ipaddress
from pathlib import Path
from typing import Literal

import httpx
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.orm import Session, sessionmaker

from triage.crm import CrmAdapter, FileCrm
from triage.crm_store import DbCrm
from triage.field_mapping import load_mapping
from triage.salesforce import RetryPolicy, SalesforceCrm

LOOPBACK_NAMES = frozenset({"localhost"})


class CrmSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    crm_backend: Literal["database", "file", "salesforce"] = "database"
    crm_file: Path | None = Field(default=None, description="the JSON or CSV file of the file backend")
    salesforce_base_url: str | None = Field(
        default=None, description="instance URL, e.g. https://acme.my.salesforce.com; https unless loopback"
    )
    salesforce_api_version: int = Field(default=62, ge=20, description="REST API version: v62.0")
    salesforce_token: SecretStr | None = Field(default=None, description="OAuth access token (bearer)")
    salesforce_mapping: Path | None = Field(
        default=None, description="field mapping YAML; None = triage/default_salesforce_mapping.yaml"
    )
    salesforce_connect_timeout_s: float = Field(default=5, gt=0)
    salesforce_timeout_s: float = Field(default=20, gt=0, description="read, write and pool timeout")
    salesforce_max_attempts: int = Field(
        default=4, ge=1, description="tries per request on 429, 5xx, network"
    )
    salesforce_backoff_s: float = Field(default=0.5, ge=0, description="first retry wait; doubles each try")
    salesforce_max_backoff_s: float = Field(
        default=8, ge=0, description="cap on a wait, Retry-After included"
    )
    crm_webhook_secret: SecretStr | None = Field(
        default=None, min_length=16, description="HMAC-SHA256 key shared with the CRM; unset = webhook off"
    )
    crm_webhook_tolerance_s: int = Field(
        default=300, gt=0, description="a webhook whose signed timestamp is further from now is refused"
    )
    crm_webhook_max_bytes: int = Field(default=256 * 1024, gt=0)

    @field_validator("salesforce_base_url")
    @classmethod
    def _https_unless_loopback(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = httpx.URL(value)
        if url.scheme not in {"http", "https"} or not url.host:
            raise ValueError("must be an http(s) URL with a host")
        if url.scheme == "http" and not _is_loopback(url.host):
            raise ValueError("must use https: the bearer token would travel in clear text")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _backend_is_configured(self) -> "CrmSettings":
        if self.crm_backend == "file" and self.crm_file is None:
            raise ValueError("crm_backend=file needs crm_file")
        if self.crm_backend == "salesforce" and (
            self.salesforce_base_url is None or self.salesforce_token is None
        ):
            raise ValueError("crm_backend=salesforce needs salesforce_base_url and salesforce_token")
        return self


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_crm(settings: CrmSettings, sessions: sessionmaker[Session]) -> CrmAdapter:
    """The adapter `settings.crm_backend` names; `sessions` open the database of the database backend."""
    if settings.crm_backend == "file":
        assert settings.crm_file is not None  # the model validator requires it
        return FileCrm.load(settings.crm_file)
    if settings.crm_backend == "salesforce":
        assert settings.salesforce_base_url is not None and settings.salesforce_token is not None
        return SalesforceCrm(
            base_url=settings.salesforce_base_url,
            api_version=settings.salesforce_api_version,
            token=settings.salesforce_token.get_secret_value(),
            mapping=load_mapping(settings.salesforce_mapping),
            timeout=httpx.Timeout(
                settings.salesforce_timeout_s, connect=settings.salesforce_connect_timeout_s
            ),
            retry=RetryPolicy(
                max_attempts=settings.salesforce_max_attempts,
                backoff_s=settings.salesforce_backoff_s,
                max_backoff_s=settings.salesforce_max_backoff_s,
            ),
        )
    return DbCrm(sessions)


class RankerSettings(BaseSettings):
    """Which exception ranker model the check uses (env prefix HANDOFF_)."""

    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    ranker_model: Path | None = Field(
        default=None,
        description="a model file of `handoff train-ranker` (--from-dispositions); unset: the shipped one",
    )
