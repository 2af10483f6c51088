"""Settings of the LLM extraction backend (env prefix HANDOFF_), for any OpenAI-compatible endpoint.

They extend the extraction settings, so both backends read dates and bare dollars the same way. The
defaults point at a llama.cpp `llama-server` on this machine; OpenAI, vLLM or Ollama are a matter of
`HANDOFF_LLM_BASE_URL`, `HANDOFF_LLM_MODEL`, `HANDOFF_LLM_API_KEY` and the dialect.
"""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr

from extraction.settings import ExtractionSettings

Dialect = Literal["json_schema", "json_object_schema", "function_calling"]


class LlmSettings(ExtractionSettings):
    llm_base_url: str = Field(
        default="http://127.0.0.1:8080/v1", description="OpenAI-compatible API root, ending in /v1"
    )
    llm_model: str = Field(default="gemma-3-270m", description="model name sent with every request")
    llm_api_key: SecretStr = Field(
        default=SecretStr("not-needed"), description="bearer token; local servers ignore it"
    )
    llm_dialect: Dialect = Field(
        default="json_schema",
        description=(
            "how structured output is requested: OpenAI response_format json_schema (OpenAI, vLLM, "
            "llama.cpp llama-server); json_object with a 'schema' member (llama-cpp-python's server); "
            "or a forced function call (servers with tool calling, e.g. Ollama)"
        ),
    )
    llm_timeout_s: float = Field(default=120, gt=0, description="limit on each HTTP call")
    llm_retries: int = Field(
        default=4,
        ge=0,
        description="extra attempts of a call after a 429, a 5xx, a timeout or a lost connection",
    )
    llm_backoff_s: float = Field(
        default=1.0, ge=0, description="first wait before a retry; it doubles each time, with jitter"
    )
    llm_backoff_max_s: float = Field(default=30, ge=0, description="longest wait between two retries")
    llm_max_reasks: int = Field(
        default=2, ge=0, description="re-asks with the validation errors after an invalid answer, per part"
    )
    llm_token_budget: int = Field(
        default=60_000, gt=0, description="prompt + completion tokens one document may spend in total"
    )
    llm_max_output_tokens: int = Field(default=4096, gt=0, description="max_tokens of each call")
    llm_max_list_items: int = Field(
        default=25,
        ge=0,
        le=200,
        description="longest list (milestones, rate card, …) one part's answer may hold",
    )
    llm_max_chars_per_part: int = Field(
        default=24_000, ge=1_000, description="longer documents are split by pages into parts of this size"
    )
    llm_price_prompt_per_1k: float = Field(
        default=0.0, ge=0, description="price of 1,000 prompt tokens, for the cost estimate"
    )
    llm_price_completion_per_1k: float = Field(
        default=0.0, ge=0, description="price of 1,000 completion tokens, for the cost estimate"
    )

    llm_cache_dir: Path | None = Field(
        default=None,
        description=(
            "keep each answer on disk under a hash of its request (model, dialect, max_tokens, schema, "
            "messages): the same request again is answered from there without a call — re-reading a "
            "document, or re-running the evals after a change that does not touch the prompt"
        ),
    )

    def estimated_cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """What the tokens cost at the configured prices (in the prices' currency)."""
        return (
            prompt_tokens * self.llm_price_prompt_per_1k
            + completion_tokens * self.llm_price_completion_per_1k
        ) / 1000
