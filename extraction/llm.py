"""The LLM extraction backend: ParsedDocument → HandoffRecord through any OpenAI-compatible endpoint.

The only module that imports langchain or openai. It asks for the intermediate answer of llm_schema in
one of three structured-output dialects (settings.llm_dialect), one call per part of the document:

- `json_schema`: OpenAI's `response_format: {"type": "json_schema", ...}` (OpenAI, vLLM, llama-server);
- `json_object_schema`: `{"type": "json_object", "schema": ...}` (llama-cpp-python's server);
- `function_calling`: langchain's `with_structured_output(method="function_calling")`.

An answer that does not validate (cut off at max_tokens, malformed JSON, values outside the schema) is
re-asked with the errors, at most `llm_max_reasks` times per part, and no call is made that the
document's `llm_token_budget` cannot pay for; then the part fails with LlmInvalidOutput or
LlmBudgetExceeded, carrying the usage so far. A document some of whose parts failed comes back `partial`
with the reasons; one whose every part failed raises. 429s, 5xx, timeouts and lost connections are
retried with exponential backoff (tenacity); every call has a timeout.
"""

import hashlib
import json
import logging
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import openai
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable
from langchain_openai import ChatOpenAI
from pydantic import ValidationError
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from extraction.llm_budget import Meter, Reply, estimate_tokens
from extraction.llm_errors import (
    LlmBudgetExceeded,
    LlmError,
    LlmInvalidOutput,
    LlmRequestRejected,
    LlmUnavailable,
    LlmUsage,
)
from extraction.llm_merge import merge_answers
from extraction.llm_prompt import (
    SYSTEM_PROMPT,
    Part,
    describe_invalid,
    echo,
    reask_message,
    split_document,
    user_message,
)
from extraction.llm_schema import SCHEMA_NAME, LlmAnswer, answer_model, answer_schema
from extraction.llm_settings import LlmSettings
from extraction.llm_values import Reading
from extraction.normalize.dates import infer_order
from extraction.normalize.money import uses_decimal_comma
from models.document import ParsedDocument, ParseStatus
from models.record import ExtractorInfo, HandoffRecord

logger = logging.getLogger(__name__)
_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$")
# Statuses worth another try: the server is busy, overloaded or briefly broken, not the request wrong.
_TRANSIENT_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True)
class LlmExtraction:
    record: HandoffRecord
    usage: LlmUsage


def extract_with_llm(doc: ParsedDocument, settings: LlmSettings | None = None) -> HandoffRecord:
    """A grounded handoff record of `doc` read by the configured LLM."""
    return run_llm_extraction(doc, settings or LlmSettings()).record


def run_llm_extraction(doc: ParsedDocument, settings: LlmSettings) -> LlmExtraction:
    """The record and the tokens it cost; raises an LlmError when no part of the document could be read."""
    meter = Meter(settings)
    answers, failures = _read_parts(
        LlmClient(settings), meter, split_document(doc, settings.llm_max_chars_per_part)
    )
    if not answers:
        first = failures[0]
        raise type(first)(first.detail, meter.usage)
    extractor = ExtractorInfo(
        backend="llm",
        model=settings.llm_model,
        prompt_tokens=meter.usage.prompt_tokens,
        completion_tokens=meter.usage.completion_tokens,
        estimated_cost=meter.usage.estimated_cost,
    )
    reading = Reading(
        date_order=infer_order(doc.text, None if settings.date_order == "auto" else settings.date_order),
        decimal_comma=uses_decimal_comma(doc.text),
        dollar=settings.dollar_currency,
    )
    record = merge_answers(doc, answers, reading, extractor)
    if failures:
        reasons = tuple(f"{failure.code}: {failure.detail}" for failure in failures)
        record = record.model_copy(
            update={"warnings": (*reasons, *record.warnings), "status": ParseStatus.partial}
        )
    usage = meter.usage
    logger.info(
        "%s: %d LLM calls (%d re-asks), %d prompt + %d completion tokens, estimated cost %.4f",
        doc.filename,
        usage.calls,
        usage.reasks,
        usage.prompt_tokens,
        usage.completion_tokens,
        usage.estimated_cost,
    )
    return LlmExtraction(record, usage)


def _read_parts(
    client: "LlmClient", meter: Meter, parts: tuple[Part, ...]
) -> tuple[list[LlmAnswer], list[LlmError]]:
    """Each part's answer, or why it has none; once the budget is spent, the remaining parts are not read.
    An endpoint that fails (LlmUnavailable, LlmRequestRejected) fails the whole document."""
    answers: list[LlmAnswer] = []
    failures: list[LlmError] = []
    for part in parts:
        if failures and isinstance(failures[-1], LlmBudgetExceeded):
            failures.append(
                LlmBudgetExceeded(f"{_where(part)}: not read, the token budget is spent", meter.usage)
            )
            continue
        try:
            answers.append(ask(client, meter, part))
        except (LlmInvalidOutput, LlmBudgetExceeded) as failure:
            failures.append(failure)
    return answers, failures


def ask(client: "LlmClient", meter: Meter, part: Part) -> LlmAnswer:
    """The part's validated answer, re-asking with the validation errors while the settings allow."""
    messages: list[BaseMessage] = [SystemMessage(SYSTEM_PROMPT), HumanMessage(user_message(part))]
    prompt_estimate = meter.first_prompt(*client.prompt_texts(messages))
    reasks = client.settings.llm_max_reasks
    for attempt in range(reasks + 1):
        reply = client.complete(messages, meter.allowance(prompt_estimate, _where(part)), meter.usage)
        reply = meter.record(reply, prompt_estimate, first=attempt == 0)
        outcome = parse_answer(reply, client.answer_model)
        if isinstance(outcome, LlmAnswer):
            return outcome
        if attempt == reasks:
            detail = f"{_where(part)}: the answer is still invalid after {reasks} re-asks: {outcome}"
            raise LlmInvalidOutput(detail, meter.usage)
        reask = reask_message(outcome)
        messages += [AIMessage(echo(reply.text)), HumanMessage(reask)]
        meter.count_reask()
        prompt_estimate = meter.next_prompt(reply, reask)
    raise AssertionError("unreachable: the last attempt returns or raises")


def parse_answer(reply: Reply, model: type[LlmAnswer]) -> LlmAnswer | str:
    """The validated answer, or what is wrong with it in words the model can act on."""
    if reply.truncated:
        return f"it was cut off after {reply.completion_tokens} tokens, before the JSON was complete."
    try:
        return model.model_validate_json(_FENCE.sub("", reply.text))
    except ValidationError as error:
        return describe_invalid(error)


def _where(part: Part) -> str:
    pages = part.pages
    return f"part {part.index + 1} of {part.count} (pages {pages[0]}-{pages[-1]})"


class LlmClient:
    """Calls to one endpoint in the configured dialect, with retries, backoff and a timeout each."""

    def __init__(self, settings: LlmSettings) -> None:
        self.settings = settings
        self.chat = ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key,
            timeout=settings.llm_timeout_s,
            max_retries=0,  # tenacity below is the one retry policy
            temperature=0,
        )
        self.answer_model = answer_model(settings.llm_max_list_items)
        self.schema = answer_schema(settings.llm_max_list_items)
        self.retrying = Retrying(
            stop=stop_after_attempt(settings.llm_retries + 1),
            wait=wait_exponential_jitter(
                multiplier=settings.llm_backoff_s,
                max=settings.llm_backoff_max_s,
                jitter=settings.llm_backoff_s,
            ),
            retry=retry_if_exception(_transient),
            reraise=True,
        )

    def prompt_texts(self, messages: list[BaseMessage]) -> list[str]:
        """What the prompt is made of: the messages, and the schema where every server counts it (tools)."""
        texts = [str(message.content) for message in messages]
        if self.settings.llm_dialect == "function_calling":
            texts.append(json.dumps(self.schema))
        return texts

    def complete(self, messages: list[BaseMessage], max_tokens: int, spent: LlmUsage) -> Reply:
        """One answer (from the answer cache when one is set and holds it); an endpoint that keeps failing
        or refuses the request raises, with `spent`."""
        cached = self._cache_path(messages, max_tokens)
        kept = _cached_reply(cached) if cached is not None else None
        if kept is not None:
            return kept
        try:
            reply: Reply = self.retrying(self._call, messages, max_tokens)
        except openai.APIError as error:
            failure = LlmUnavailable if _transient(error) else LlmRequestRejected
            raise failure(f"{self.settings.llm_base_url}: {_describe(error)}", spent) from error
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f"{cached.name}.{os.getpid()}.partial")
            partial.write_text(json.dumps(asdict(reply)), encoding="utf-8")
            partial.replace(cached)  # atomic: a parallel reader never sees half an answer
        return reply

    def _cache_path(self, messages: list[BaseMessage], max_tokens: int) -> Path | None:
        """Where the answer to this exact request is kept: a hash of everything the answer depends on (the
        endpoint's address is left out, so a local server on another port answers from the same cache)."""
        if self.settings.llm_cache_dir is None:
            return None
        request = {
            "model": self.settings.llm_model,
            "dialect": self.settings.llm_dialect,
            "max_tokens": max_tokens,
            "schema": self.schema,
            "messages": [[message.type, str(message.content)] for message in messages],
        }
        key = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()
        return self.settings.llm_cache_dir / key[:2] / f"{key}.json"

    def _call(self, messages: list[BaseMessage], max_tokens: int) -> Reply:
        if self.settings.llm_dialect == "function_calling":
            return self._call_function(messages, max_tokens)
        response_format: dict[str, Any] = (
            {"type": "json_schema", "json_schema": {"name": SCHEMA_NAME, "schema": self.schema}}
            if self.settings.llm_dialect == "json_schema"
            else {"type": "json_object", "schema": self.schema}
        )
        bound: Runnable[Any, BaseMessage] = self.chat.bind(
            response_format=response_format, max_tokens=max_tokens
        )
        try:
            message = bound.invoke(messages)
        except openai.LengthFinishReasonError as cut:
            completion = cut.completion
            usage = completion.usage
            return Reply(
                text=completion.choices[0].message.content or "",
                truncated=True,
                prompt_tokens=usage.prompt_tokens if usage else 0,
                completion_tokens=usage.completion_tokens if usage else max_tokens,
            )
        return _reply(message, str(message.content))

    def _call_function(self, messages: list[BaseMessage], max_tokens: int) -> Reply:
        structured = self.chat.with_structured_output(
            self.answer_model, method="function_calling", include_raw=True, max_tokens=max_tokens
        )
        result: Any = structured.invoke(messages)
        raw: AIMessage = result["raw"]
        if raw.tool_calls:
            text = json.dumps(raw.tool_calls[0]["args"])
        elif raw.invalid_tool_calls:
            text = str(raw.invalid_tool_calls[0].get("args") or "")
        else:
            text = str(raw.content)
        return _reply(raw, text)


def _cached_reply(path: Path) -> Reply | None:
    """The answer kept at `path`; None when there is none or it is unreadable (then asked again)."""
    try:
        return Reply(**json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as unreadable:
        logger.warning("%s: unreadable cached LLM answer, asking again (%s)", path, unreadable)
        return None


def _reply(message: BaseMessage, text: str) -> Reply:
    usage = message.usage_metadata if isinstance(message, AIMessage) else None
    finish = message.response_metadata.get("finish_reason")
    return Reply(
        text=text,
        truncated=finish == "length",
        prompt_tokens=usage["input_tokens"] if usage else 0,
        completion_tokens=usage["output_tokens"] if usage else estimate_tokens(text),
    )


def _transient(error: BaseException) -> bool:
    if isinstance(error, openai.APIConnectionError):  # includes timeouts
        return True
    return isinstance(error, openai.APIStatusError) and (
        error.status_code in _TRANSIENT_STATUS or error.status_code >= 500
    )


def _describe(error: openai.APIError) -> str:
    status = f"HTTP {error.status_code}: " if isinstance(error, openai.APIStatusError) else ""
    return f"{status}{type(error).__name__}: {error.message}"
