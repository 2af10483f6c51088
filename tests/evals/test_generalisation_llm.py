"""The generalisation eval through the LLM backend: a document the endpoint fails on is scored with every
field missed and its error kept — never dropped from the figures."""

import pytest

from evals.extraction.scoring import Outcome
from evals.generalisation.documents import GeneratedDoc, Job, run
from tests.extraction.llm_server import error, scripted_openai


def test_a_document_the_llm_fails_on_counts_as_missed(monkeypatch: pytest.MonkeyPatch) -> None:
    with scripted_openai(*[error(400)] * 20) as server:
        monkeypatch.setenv("HANDOFF_LLM_BASE_URL", server.url)
        monkeypatch.setenv("HANDOFF_LLM_RETRIES", "0")
        scored = run(Job(GeneratedDoc("standard", "standard", 80000), engine="llm"))
        assert server.requests  # the endpoint was asked
    assert scored.error is not None and scored.error.startswith("llm_")
    stated = [result for result in scored.results if result.expected is not None]
    assert stated and all(result.outcome is Outcome.missed for result in stated)
    assert scored.exceptions is not None and scored.exceptions.raised  # the empty record is triaged too
