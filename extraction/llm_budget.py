"""A document's token account: what its LLM calls spent, and what the next call may still spend.

No call is made unless the tokens spent so far plus the next prompt leave room in the budget, and the
call's max_tokens is cut to that room, so completions never overrun it. The next prompt is estimated:
after a call, as the server's own count of that prompt plus what the re-ask adds; for the first call of
a part, at about three characters per token plus the largest excess a first call of this document showed
over such an estimate (a server that also counts the response schema, as OpenAI does, teaches it here).
The first call of a document may still overrun the budget by what its estimate missed.
"""

from dataclasses import dataclass, replace

from extraction.llm_errors import LlmBudgetExceeded, LlmUsage
from extraction.llm_settings import LlmSettings


@dataclass(frozen=True)
class Reply:
    """One completed call: the answer's raw text and what the call cost."""

    text: str
    truncated: bool
    prompt_tokens: int
    completion_tokens: int


def estimate_tokens(*texts: str) -> int:
    """A deliberately high estimate of the tokens in `texts` (about three characters per token)."""
    return sum(len(text) for text in texts) // 3 + 8 * len(texts)


class Meter:
    def __init__(self, settings: LlmSettings) -> None:
        self.settings = settings
        self.usage = LlmUsage()
        self._excess = 0

    def first_prompt(self, *texts: str) -> int:
        """The estimated prompt tokens of a part's first call, made of `texts`."""
        return estimate_tokens(*texts) + self._excess

    def next_prompt(self, last: Reply, *added: str) -> int:
        """The estimated prompt tokens of a re-ask after `last`: its prompt and answer, plus `added`."""
        return last.prompt_tokens + last.completion_tokens + estimate_tokens(*added)

    def allowance(self, prompt_estimate: int, where: str) -> int:
        """max_tokens for the next call; LlmBudgetExceeded when its prompt alone would not fit."""
        budget = self.settings.llm_token_budget
        left = budget - self.usage.total_tokens - prompt_estimate
        if left < 1:
            detail = (
                f"{where}: the next call needs about {prompt_estimate} prompt tokens and "
                f"{budget - self.usage.total_tokens} of the document's {budget} are left"
            )
            raise LlmBudgetExceeded(detail, self.usage)
        return min(self.settings.llm_max_output_tokens, left)

    def record(self, reply: Reply, prompt_estimate: int, first: bool) -> Reply:
        """Charge the call to the account; a server that reports no usage is charged the estimate."""
        if not reply.prompt_tokens:
            reply = replace(reply, prompt_tokens=prompt_estimate)
        elif first:
            self._excess = max(self._excess, reply.prompt_tokens - (prompt_estimate - self._excess))
        prompt = self.usage.prompt_tokens + reply.prompt_tokens
        completion = self.usage.completion_tokens + reply.completion_tokens
        self.usage = replace(
            self.usage,
            prompt_tokens=prompt,
            completion_tokens=completion,
            calls=self.usage.calls + 1,
            estimated_cost=self.settings.estimated_cost(prompt, completion),
        )
        return reply

    def count_reask(self) -> None:
        self.usage = replace(self.usage, reasks=self.usage.reasks + 1)
