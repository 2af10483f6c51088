"""API settings (env prefix HANDOFF_)."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    migrate_on_start: bool = Field(default=True, description="run Alembic upgrade head when the app starts")


class AuthSettings(BaseSettings):
    """How the browser session cookie is set. Chromium treats http://127.0.0.1 and http://localhost as
    secure contexts, so a Secure cookie works for `make run` without TLS."""

    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    cookie_secure: bool = Field(default=True, description="mark the session cookie Secure (HTTPS only)")
