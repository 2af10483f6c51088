"""The hybrid backend: the offline reading checked against the LLM's, through a real OpenAI wire format."""

import json
from pathlib import Path
from typing import Any

from extraction.engine import extract
from extraction.hybrid import DISAGREEMENT, extract_hybrid, reconcile, same
from extraction.llm_settings import LlmSettings
from models.document import ParseStatus
from models.record import Evidence, FieldValue, Milestone
from tests.extraction.llm_server import completion, error, scripted_openai
from tests.extraction.test_llm import SOW, answer, assert_grounded, quoted


def settings(url: str, **overrides: Any) -> LlmSettings:
    values: dict[str, Any] = {
        "llm_base_url": url,
        "llm_retries": 0,
        "llm_max_reasks": 0,
        "llm_backoff_s": 0.01,
        **overrides,
    }
    return LlmSettings(**values)


ANSWER = json.dumps(
    answer(
        client_name=quoted("Northwind Health Inc", "Client: Northwind Health, Inc."),  # the same name
        contract_number=quoted("SOW-2026", "STATEMENT OF WORK No. SOW-2026-014"),  # another reading
        effective_date=quoted("2026-03-16", "Effective Date: March 16, 2026"),  # the same date
        governing_law=quoted("New York", "governed by the laws of the State of New York"),
    )
)


def test_agreement_keeps_disagreement_and_llm_only_values_go_to_review() -> None:
    offline = extract(SOW)
    assert offline.fields.governing_law.value is None  # the offline engine misses it here
    with scripted_openai(completion(ANSWER)) as server:
        record = extract_hybrid(SOW, settings(server.url))
        assert len(server.requests) == 1
    fields = record.fields
    # both read it: the offline value and its calibrated confidence
    assert fields.client_name == offline.fields.client_name
    assert fields.effective_date == offline.fields.effective_date
    # they disagree: the offline value, capped so that a reviewer looks
    assert fields.contract_number.value == offline.fields.contract_number.value == "SOW-2026-014"
    assert fields.contract_number.confidence == DISAGREEMENT < offline.fields.contract_number.confidence
    # only the LLM read it: its grounded value, capped
    assert fields.governing_law.value == "New York" and fields.governing_law.confidence <= DISAGREEMENT
    # only the offline engine read it (the LLM answered null): unchanged
    assert fields.total_contract_value == offline.fields.total_contract_value
    assert record.extractor.backend == "hybrid" and record.extractor.prompt_tokens == 120
    assert record.status is ParseStatus.ok
    assert_grounded(record, SOW)


def test_an_llm_that_fails_leaves_the_offline_reading_marked_partial(tmp_path: Path) -> None:
    with scripted_openai(error(400)) as server:
        record = extract_hybrid(SOW, settings(server.url))
    offline = extract(SOW)
    assert record.fields == offline.fields
    assert record.extractor.backend == "offline"
    assert record.status is ParseStatus.partial
    assert record.warnings[0].startswith("llm_request_rejected: the LLM did not read it")


def _milestone(name: str, confidence: float) -> Milestone:
    evidence = (Evidence(page=1, quote=name, char_start=0, char_end=len(name)),)
    return Milestone(name=FieldValue(value=name, confidence=confidence, evidence=evidence))


def test_a_list_comes_from_the_llm_only_when_the_offline_engine_found_none() -> None:
    offline = extract(SOW)
    llm = offline.model_copy(update={"milestones": (_milestone("Kick-off", 0.9),)})
    taken = reconcile(offline, llm)
    assert [m.name.value for m in taken.milestones] == ["Kick-off"]
    assert taken.milestones[0].name.confidence == DISAGREEMENT
    own = offline.model_copy(update={"milestones": (_milestone("Design", 0.95),)})
    kept = reconcile(own, llm)
    assert [(m.name.value, m.name.confidence) for m in kept.milestones] == [("Design", 0.95)]


def test_names_agree_across_case_spacing_and_punctuation_but_not_across_words() -> None:
    assert same("Northwind Health, Inc.", "NORTHWIND HEALTH INC")
    assert not same("Northwind Health, Inc.", "Northwind Capital, Inc.")
    assert same(48000, 48000) and not same(48000, 4800)
