"""API settings (env prefix HANDOFF_)."""

import os

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    migrate_on_start: bool = Field(default=True, description="run Alembic upgrade head when the app starts")
    trusted_proxies: str = Field(
        default="",
        description="comma-separated addresses of reverse proxies whose X-Forwarded-For/-Proto are honoured; "
        "empty (the default): none, the connection's peer is the client",
    )
    max_request_kb: int = Field(
        default=1024, ge=16, description="request bodies other than uploads above this are refused (413)"
    )
    public_docs: bool = Field(default=False, description="serve /docs and /openapi.json without signing in")
    web_workers: int = Field(
        default=0,
        ge=0,
        le=64,
        description="server processes of `handoff serve`; 0 (the default): one per core, at most 8",
    )

    @property
    def worker_count(self) -> int:
        return self.web_workers or max(1, min(8, len(os.sched_getaffinity(0))))

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [item.strip() for item in self.trusted_proxies.split(",") if item.strip()]


class AuthSettings(BaseSettings):
    """How the browser session cookie is set. Chromium treats http://127.0.0.1 and http://localhost as
    secure contexts, so a Secure cookie works for `make run` without TLS."""

    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    cookie_secure: bool = Field(default=True, description="mark the session cookie Secure (HTTPS only)")
