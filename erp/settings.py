"""ERP settings (env prefix HANDOFF_). The default URL is the sandbox of `handoff erp-sandbox` on loopback."""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SANDBOX_PORT = 8700


class ErpSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    erp_url: str = Field(default=f"http://127.0.0.1:{SANDBOX_PORT}", description="base URL of the ERP's API")
    erp_token: SecretStr | None = Field(default=None, description="bearer token sent to the ERP, if any")
    erp_mapping: Path | None = Field(default=None, description="field mapping YAML; None = the shipped one")
    erp_connect_timeout_s: float = Field(default=3.0, gt=0)
    erp_timeout_s: float = Field(default=10.0, gt=0, description="read, write and pool timeout per call")
    erp_max_attempts: int = Field(default=8, ge=1, description="tries before a posting is dead-lettered")
    erp_backoff_s: float = Field(default=2.0, ge=0, description="wait after the first failure; doubles")
    erp_max_backoff_s: float = Field(default=300.0, ge=0, description="cap on one wait")
    erp_claim_s: float = Field(
        default=60.0, gt=0, description="a claimed posting is re-tried after this long if its worker died"
    )
    erp_relay_interval_s: float = Field(default=5.0, gt=0, description="how often due postings are swept")
    erp_relay_batch: int = Field(default=50, ge=1, description="postings claimed per sweep")
    erp_concurrency: int = Field(
        default=16, ge=1, le=256, description="postings in flight at once per relay or worker process"
    )
    erp_drain_s: float = Field(
        default=60.0,
        ge=0,
        description="a worker's posting task then posts what else is due, concurrently, this long",
    )
    erp_rate_limit_per_s: float = Field(
        default=0, ge=0, description="postings started per second per process (0: no limit); 429s slow it too"
    )
