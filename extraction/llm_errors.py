"""Token usage of an LLM extraction, and the typed failures that carry it.

Every failure reports what was spent before it, so a caller can account for the cost of a document whose
extraction did not succeed. `code` values are stable: clients and tests match on them.
"""

from dataclasses import dataclass
from typing import ClassVar

from models.errors import HandoffError


@dataclass(frozen=True)
class LlmUsage:
    """Tokens one document spent on the LLM, over every part, re-ask and retried call."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    reasks: int = 0
    estimated_cost: float = 0.0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class LlmError(HandoffError):
    code: ClassVar[str] = "llm_error"
    http_status: ClassVar[int] = 502
    title: ClassVar[str] = "The language model could not extract the document"

    def __init__(self, detail: str, usage: LlmUsage) -> None:
        super().__init__(detail)
        self.usage = usage


class LlmInvalidOutput(LlmError):
    """The answers stayed invalid after every re-ask the settings allow."""

    code = "llm_invalid_output"
    title = "The language model's answer did not validate"


class LlmBudgetExceeded(LlmError):
    """The next call would have taken the document over its token budget."""

    code = "llm_budget_exceeded"
    title = "The document's token budget is spent"


class LlmUnavailable(LlmError):
    """The endpoint kept failing (429, 5xx, timeouts, refused connections) after every retry."""

    code = "llm_unavailable"
    http_status = 503
    title = "The language model endpoint is unavailable"


class LlmRequestRejected(LlmError):
    """The endpoint refused the request itself (bad key, unknown model, a schema it does not support)."""

    code = "llm_request_rejected"
    title = "The language model endpoint refused the request"
